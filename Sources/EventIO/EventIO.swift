// The EventIO module: see ../shared/DESIGN.md. Its sources arrive with its issue.
