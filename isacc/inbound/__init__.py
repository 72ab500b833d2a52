"""The signed API iSeller posts its events to."""
