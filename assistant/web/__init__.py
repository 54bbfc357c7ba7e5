"""The web front ends: the Gradio chat page, the compact /embed view, the blog widget, and what guards them."""
