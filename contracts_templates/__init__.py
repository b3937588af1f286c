"""Versioned usage-contract templates with their ODRL policy skeletons."""
