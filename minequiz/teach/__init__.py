"""Teachers: classes, join codes, class reports, exports and students' data."""
