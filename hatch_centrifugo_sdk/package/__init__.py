"""Packagers: turn a rendered SDK file tree into the artifact its ecosystem installs."""
