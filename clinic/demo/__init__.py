"""The demo clinic that `manage.py demo_data` (and so `make run`) makes: people, calendars,
courses in every state and working days of visits. Project wiring, like urls.py: it fills every
layer, so tests/test_layers.py counts it with the wiring."""
