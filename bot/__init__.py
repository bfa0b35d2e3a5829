"""recallbot: turns a sentence typed in Slack into a Motive dashcam video recall.

The core lives here and knows nothing about Slack listeners; ``handlers/`` wires it to Bolt.
"""
