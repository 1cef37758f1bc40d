"""Students: the lesson list, a lesson, its quiz, a result and their progress."""
