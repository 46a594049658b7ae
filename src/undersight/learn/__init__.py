"""A small trained model beside the lexicon: offer, intent and categories
from character n-grams and the lexicon's own signals (``classifier``), and
how it is rebuilt from labelled messages (``train``)."""
