"""The Cellule Emploi: its meetings, their agenda and their decisions (the models are in
participants.models.cell; the timeline, retention and the right of access read them)."""
