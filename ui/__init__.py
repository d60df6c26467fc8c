"""The web front end: the Gradio chat (and the widget assets), thin edges over the Assistant."""
