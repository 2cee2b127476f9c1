package directory_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

// A directory signed in as an application has no signed-in principal to
// answer for.
func ExampleReadSelf() {
	_, err := directory.ReadSelf(context.Background(), directorytest.New(nil))
	fmt.Println(errors.Is(err, directory.ErrInvalid))
	// Output:
	// true
}
