package directory_test

import (
	"fmt"
	"testing"

	"github.com/cloudhub/consent/directory"
)

func TestIsObjectID(t *testing.T) {
	for s, want := range map[string]bool{
		"11111111-0000-4000-8000-000000000001": true,
		"AB3F8C1D-0000-4000-8000-00000000DEAD": true,
		"11111111-0000-4000-8000-00000000000":  false,
		"11111111-0000-4000-8000-00000000000g": false,
		"11111111-0000-4000-8000-0000000000é":  false,
		"svc@contoso.com":                      false,
		"111111110000-4000-8000-0000000000001": false,
		"":                                     false,
	} {
		if got := directory.IsObjectID(s); got != want {
			t.Errorf("IsObjectID(%q) = %v, want %v", s, got, want)
		}
	}
}

func ExampleIsObjectID() {
	fmt.Println(directory.IsObjectID("11111111-0000-4000-8000-000000000001"))
	fmt.Println(directory.IsObjectID("svc-cloudhub@contoso.onmicrosoft.com"))
	// Output:
	// true
	// false
}
