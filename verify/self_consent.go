package verify

import (
	"context"
	"errors"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// consentNotVisible is what a self report says when the signed-in account
// may not read the partner application's consent.
var consentNotVisible = NotVisible{
	What: "the partner application's consent (consent.* checks not checked)",
	Why: "reading the application's service principal needs the delegated permission Application.Read.All or Directory.Read.All, and listing delegated permission grants " +
		"(even those naming the account) needs Directory.Read.All and one of the roles Directory Readers, Global Reader, Application Developer, Application Administrator, " +
		"Cloud Application Administrator, Directory Writers, User Administrator, Privileged Role Administrator or Guest Inviter " +
		"(Microsoft Graph: List oauth2PermissionGrants granted to a service principal; List a user's oauth2PermissionGrants)",
	CouldSee: "the customer running Verify (admin side) with an app granted Application.Read.All and Directory.Read.All",
}

// notReadable reports whether err means the signed-in account may not
// read this (denied, or a directory backend that cannot do the read at
// all): the consent and the sign-in policies of a self report.
func notReadable(err error) bool {
	return errors.Is(err, directory.ErrPermission) || errors.Is(err, errors.ErrUnsupported)
}

// selfConsentChecks are the consent checks of a self report: the same as
// Verify's where the signed-in account may read the consent, and "not
// checked" (a NotVisible entry) where it may not.
func (v *Verifier) selfConsentChecks(ctx context.Context, acct serviceaccount.Account, userID string) ([]Check, []NotVisible) {
	req := consentRequest(acct)
	if req == nil {
		return nil, nil
	}
	// A snapshot of the consent alone: one $batch over Microsoft Graph.
	snap, err := directory.ReadSnapshot(ctx, v.dir, directory.SnapshotRequest{Consent: req})
	c := snap.Consent
	if err != nil {
		c = directory.Consent{ClientErr: err, ResourceErr: err, GrantsErr: err}
	}
	switch {
	case notReadable(c.ClientErr):
		return nil, []NotVisible{consentNotVisible}
	case c.ClientErr == nil && (notReadable(c.ResourceErr) || notReadable(c.GrantsErr)):
		// The application is visible, its grants are not.
		cs := consentChecks(v.consentFacts(acct, userID, c))
		return cs[:1], []NotVisible{consentNotVisible}
	}
	return consentChecks(v.consentFacts(acct, userID, c)), nil
}
