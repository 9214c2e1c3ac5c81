"""Helpers the tests share: external programs, the ``../shared`` reference data, election builders.

Test modules import from here, never from another test module.
"""
