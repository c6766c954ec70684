"""echoorg: the ECHO leadership model (Ethical, Compassionate, Humane Organisations) put to work."""

__version__ = "0.1.0"
