"""Go heap profiles out of the simulator: the profile.proto encoding (`encode`) and the
`gomemtui profile` command (`command`)."""
