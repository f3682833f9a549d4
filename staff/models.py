"""The staff app has no models of its own (ImportUpload moved to spreadsheets)."""
