package consent_test

import (
	"context"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

// TestVerifySelfConsent: signed in as the account, the consent checks run
// where the account may read the grants (the app holds Directory.Read.All
// and the account a role the list names) and are "not checked" otherwise,
// over the Fake's signed-in view and over graphdir with a user token.
func TestVerifySelfConsent(t *testing.T) {
	withDirectoryRead := &directorytest.SignInOptions{Scopes: append([]string{directorytest.ScopeDirectoryReadAll}, directorytest.DefaultScopes...)}
	for _, tc := range []struct {
		name string
		opts *directorytest.SignInOptions
		// readerRole gives the account a role that may list grants.
		readerRole bool
		// want are the consent checks' statuses; notVisible whether the
		// report lists the consent as not checked.
		want       map[string]verify.Status
		notVisible bool
	}{
		{name: "default scopes", notVisible: true, want: map[string]verify.Status{}},
		{name: "Directory.Read.All without a reader role", opts: withDirectoryRead, notVisible: true,
			want: map[string]verify.Status{verify.CheckConsentAppPresent: verify.StatusPass}},
		{name: "Directory.Read.All and Directory Readers", opts: withDirectoryRead, readerRole: true,
			want: map[string]verify.Status{verify.CheckConsentAppPresent: verify.StatusPass, verify.CheckConsentScopes: verify.StatusPass, verify.CheckConsentNoExtraScopes: verify.StatusPass}},
	} {
		for _, backend := range []string{"fake", "graph"} {
			t.Run(tc.name+"/"+backend, func(t *testing.T) {
				ctx := context.Background()
				env := newGraphEnv(t, nil, nil)
				spec := consentSpec(1, true)
				if tc.readerRole {
					spec.Roles = []string{"Directory Readers"}
				}
				res, err := newProvisioner(env.dir, env.clock).Provision(ctx, spec)
				if err != nil {
					t.Fatal(err)
				}
				// A FIDO2 key too: the spec's Exchange and SharePoint
				// Administrator are highly privileged (the policy half of
				// mfa.phishing-resistant is not visible to the account).
				ownerSignsIn(t, env.fake, res.Account.ID, directory.MethodMicrosoftAuthenticator, directory.MethodFido2)
				var dir directory.Directory
				if backend == "graph" {
					dir = signInOverGraph(t, env, res.Account.UserPrincipalName, tc.opts, nil)
				} else {
					view, err := env.fake.SignedInAs(res.Account.UserPrincipalName, tc.opts)
					if err != nil {
						t.Fatal(err)
					}
					dir = view
				}
				rep, err := verify.New(dir, nil).VerifySelf(ctx, res.Account)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]verify.Status{}
				for _, c := range rep.Checks {
					if c.ID == verify.CheckConsentAppPresent || c.ID == verify.CheckConsentScopes || c.ID == verify.CheckConsentNoExtraScopes {
						got[c.ID] = c.Status
					}
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("consent checks mismatch (-want +got):\n%s\n%v", diff, rep)
				}
				listed := false
				for _, nv := range rep.NotVisible {
					listed = listed || nv.What == "the partner application's consent (consent.* checks not checked)"
				}
				if listed != tc.notVisible {
					t.Errorf("consent listed as not visible: %v, want %v", listed, tc.notVisible)
				}
				if !rep.Passed() {
					t.Errorf("self report did not pass:\n%v", rep)
				}
			})
		}
	}
}
