"""Commands to register users and their roles."""
