"""Threat-intelligence exports of a store: STIX 2.1, MISP and flat tables."""
