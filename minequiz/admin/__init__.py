"""Administrators: staff accounts."""
