"""Job descriptions: what a posting asks for, read offline."""
