package consent_test

// graphBackends is filled in once the Graph backend lands.
func graphBackends() []backend { return nil }
