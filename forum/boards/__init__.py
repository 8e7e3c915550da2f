"""Boards: one per KM4B webinar."""
