package directorytest

import (
	"context"
	"time"

	"github.com/cloudhub/consent/directory"
)

// OpSignInActivity reads a user's sign-in activity
// ([directory.SignInActivityReader]); Snapshot consults it for its
// SignInActivity part.
const OpSignInActivity Op = "SignInActivity"

var _ directory.SignInActivityReader = (*Fake)(nil)

// recordSignIn notes a successful sign-in. It must be called with f.mu
// held.
func (f *Fake) recordSignIn(userID string) {
	if f.signIns == nil {
		f.signIns = map[string]time.Time{}
	}
	f.signIns[userID] = f.timestamp()
}

func (f *Fake) signInActivity(userID string) directory.SignInActivity {
	return directory.SignInActivity{LastSuccessfulSignInDateTime: f.signIns[userID]}
}

// SignInActivity implements [directory.SignInActivityReader]: the last
// successful sign-in is the last [Fake.SignIn].
func (f *Fake) SignInActivity(ctx context.Context, userID string) (directory.SignInActivity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpSignInActivity, userID); err != nil {
		return directory.SignInActivity{}, err
	}
	u, ok := f.visible(userID)
	if !ok {
		return directory.SignInActivity{}, notFound("user", userID)
	}
	return f.signInActivity(u.user.ID), nil
}
