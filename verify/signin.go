package verify

import (
	"time"

	"github.com/cloudhub/consent/directory"
)

// withSignInEvidence adds the account's last successful sign-in to the
// evidence of password.changed, where the credential could read it
// (signInActivity needs AuditLog.Read.All and Microsoft Entra ID P1): a
// password changed after creation may be an administrator's reset, and a
// recorded sign-in shows that someone did sign in as the account. Sign-in
// activity is extra evidence only: it never changes a check's status, and
// when it cannot be read the evidence says nothing about it.
func withSignInEvidence(cs []Check, snap directory.Snapshot) []Check {
	if snap.SignInActivityErr != nil {
		return cs
	}
	for i := range cs {
		if cs[i].ID != CheckPasswordChanged || cs[i].Status == StatusUnknown {
			continue
		}
		if t := snap.SignInActivity.LastSuccessfulSignInDateTime; !t.IsZero() {
			cs[i].Evidence += "; last successful sign-in " + t.UTC().Format(time.RFC3339)
		} else {
			cs[i].Evidence += "; no successful sign-in recorded"
		}
	}
	return cs
}
