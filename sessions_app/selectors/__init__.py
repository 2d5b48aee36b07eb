"""Reads that several pages, the feeds and the tasks share, by sub-area.

sessions: who someone is to a cohort and which sessions they may see and join;
attendance: rosters and rates; office_hours; assistance; groups (affinity groups);
reminders: reminders, after-session messages and check-ins; feeds: calendar feeds.
"""
