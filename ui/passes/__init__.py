"""Qt side of issue 13: drawing pass/badge pages for printers and images, the pass dialog,
and the camera scanner."""
