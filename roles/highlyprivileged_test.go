package roles

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHighlyPrivilegedMatchesBaseline pins the list to the "Highly
// Privileged Roles" section of CISA's SCuBA baseline for Microsoft Entra
// ID (HighlyPrivilegedURL), in its order: a change to the data file must
// be a deliberate change to this test too.
func TestHighlyPrivilegedMatchesBaseline(t *testing.T) {
	want := []string{
		"Global Administrator", "Privileged Role Administrator", "User Administrator", "SharePoint Administrator",
		"Exchange Administrator", "Hybrid Identity Administrator", "Application Administrator", "Cloud Application Administrator",
	}
	var got []string
	for _, r := range HighlyPrivileged() {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HighlyPrivileged (-baseline +data):\n%s", diff)
	}
	rs := HighlyPrivileged()
	rs[0].Name = "changed"
	if HighlyPrivileged()[0].Name != "Global Administrator" {
		t.Error("HighlyPrivileged returned the table itself, not a copy")
	}
	if IsHighlyPrivileged("no such role") || !IsHighlyPrivileged("company administrator") {
		t.Error("IsHighlyPrivileged: want false for an unknown role and true for a former name of Global Administrator")
	}
}

func TestParseHighlyPrivilegedRejects(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       error
	}{
		{"unknown role", "name\nNo Such Administrator\n", ErrUnknownRole},
		{"duplicate", "name\nGlobal Administrator\nCompany Administrator\n", nil},
		{"bad header", "role\nGlobal Administrator\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseHighlyPrivileged(tc.data)
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("parseHighlyPrivileged(%q) = %v, want an error (%v)", tc.data, err, tc.want)
			}
		})
	}
}
