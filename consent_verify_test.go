package consent_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

// demoApp is a partner application for the consent tests.
var demoApp = serviceaccount.PartnerApp{
	ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f",
	Scopes:   []string{"User.ReadWrite.All", "Group.ReadWrite.All"},
}

// consentBackend is a directory to verify through and the fake whose state
// a test arranges: the Fake itself, or graphdir over graphtest.
type consentBackend struct {
	name string
	new  func(t *testing.T) (directory.Directory, *directorytest.Fake, *graphtest.Server, *clock)
}

var consentBackends = []consentBackend{
	{"fake", func(t *testing.T) (directory.Directory, *directorytest.Fake, *graphtest.Server, *clock) {
		c := newClock()
		f := directorytest.New(&directorytest.Options{Now: c.Now})
		seedPolicies(t, f) // as newGraphEnv does
		return f, f, nil, c
	}},
	{"graph", func(t *testing.T) (directory.Directory, *directorytest.Fake, *graphtest.Server, *clock) {
		env := newGraphEnv(t, nil, nil)
		return env.dir, env.fake, env.srv, env.clock
	}},
}

// passingConsentAccount provisions the account, signs its owner in and
// registers MFA (a FIDO2 key too: the spec's Exchange and SharePoint
// Administrator are highly privileged, and the tenant's seeded policy
// requires phishing-resistant MFA for them), so that only the consent
// checks can fail.
func passingConsentAccount(t *testing.T, dir directory.Directory, f *directorytest.Fake, c *clock) serviceaccount.Account {
	t.Helper()
	ctx := context.Background()
	res, err := newProvisioner(dir, c).Provision(ctx, chaosSpec(1))
	if err != nil {
		t.Fatal(err)
	}
	ownerSignsIn(t, f, res.Account.ID, directory.MethodMicrosoftAuthenticator, directory.MethodFido2)
	acct := res.Account
	app := demoApp
	acct.PartnerApp = &app
	return acct
}

// grant arranges a grant of demoApp's client the way an administrator (or
// a user consenting for themselves) would.
func grant(t *testing.T, f *directorytest.Fake, consentType, principal, scope string) directory.PermissionGrant {
	t.Helper()
	ctx := context.Background()
	client, err := f.ServicePrincipal(ctx, demoApp.ClientID)
	if err != nil {
		if client, err = f.CreateServicePrincipal(ctx, demoApp.ClientID); err != nil {
			t.Fatal(err)
		}
	}
	graph, err := f.ServicePrincipal(ctx, directory.MicrosoftGraphAppID)
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.CreatePermissionGrant(ctx, directory.PermissionGrant{
		ClientID: client.ID, ConsentType: consentType, PrincipalID: principal, ResourceID: graph.ID, Scope: scope,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestVerifyConsent arranges each consent state on the fake and verifies
// it through the fake and through graphdir over graphtest.
func TestVerifyConsent(t *testing.T) {
	for _, tc := range []struct {
		name    string
		arrange func(t *testing.T, f *directorytest.Fake, acct serviceaccount.Account, srv *graphtest.Server)
		// want is the status of app-present, scopes and no-extra-scopes.
		want [3]verify.Status
		// evidence and remediation hold text that the scopes check must
		// show.
		evidence, remediation []string
	}{
		{name: "consent missing, no service principal",
			want:        [3]verify.Status{verify.StatusFail, verify.StatusFail, verify.StatusPass},
			remediation: []string{"https://login.microsoftonline.com/" + directorytest.DefaultDomain + "/adminconsent?client_id=" + demoApp.ClientID, "Spec.GrantConsent"}},
		{name: "service principal without any grant",
			arrange: func(t *testing.T, f *directorytest.Fake, _ serviceaccount.Account, _ *graphtest.Server) {
				if _, err := f.CreateServicePrincipal(context.Background(), demoApp.ClientID); err != nil {
					t.Fatal(err)
				}
			},
			want:        [3]verify.Status{verify.StatusPass, verify.StatusFail, verify.StatusPass},
			evidence:    []string{"User.ReadWrite.All, Group.ReadWrite.All"},
			remediation: []string{"/adminconsent?client_id="}},
		{name: "account-only grant",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All Group.ReadWrite.All")
			},
			want:     [3]verify.Status{verify.StatusPass, verify.StatusPass, verify.StatusPass},
			evidence: []string{"for this account (grant ", "tenant-wide (every user): none"}},
		{name: "account-only grant, scopes in another case",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "user.readwrite.all  GROUP.READWRITE.ALL")
			},
			want: [3]verify.Status{verify.StatusPass, verify.StatusPass, verify.StatusPass}},
		{name: "tenant-wide grant",
			arrange: func(t *testing.T, f *directorytest.Fake, _ serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentAllPrincipals, "", "User.ReadWrite.All Group.ReadWrite.All")
			},
			want:        [3]verify.Status{verify.StatusPass, verify.StatusWarn, verify.StatusPass},
			evidence:    []string{"tenant-wide grant that covers EVERY user", "for this account: none"},
			remediation: []string{"any user of the tenant"}},
		{name: "one scope missing",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All")
			},
			want:     [3]verify.Status{verify.StatusPass, verify.StatusFail, verify.StatusPass},
			evidence: []string{"not consented for this account: Group.ReadWrite.All ("}},
		{name: "another user's grant does not count",
			arrange: func(t *testing.T, f *directorytest.Fake, _ serviceaccount.Account, _ *graphtest.Server) {
				other, err := f.CreateUser(context.Background(), directory.NewUser{
					UserPrincipalName: "someone@" + directorytest.DefaultDomain, DisplayName: "Someone", MailNickname: "someone",
					AccountEnabled: true, Password: directory.NewPassword("Someone-Else-Passw0rd!"),
				})
				if err != nil {
					t.Fatal(err)
				}
				grant(t, f, directory.ConsentPrincipal, other.ID, "User.ReadWrite.All Group.ReadWrite.All Mail.Read")
			},
			want: [3]verify.Status{verify.StatusPass, verify.StatusFail, verify.StatusPass}},
		{name: "extra scope",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All Group.ReadWrite.All Mail.ReadWrite")
			},
			want: [3]verify.Status{verify.StatusPass, verify.StatusPass, verify.StatusWarn}},
		{name: "account grant plus tenant-wide extra scope",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All Group.ReadWrite.All")
				grant(t, f, directory.ConsentAllPrincipals, "", "User.Read")
			},
			want:     [3]verify.Status{verify.StatusPass, verify.StatusWarn, verify.StatusWarn},
			evidence: []string{"consented for this account, and a tenant-wide grant also covers EVERY user"}},
		{name: "application disabled",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, _ *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All Group.ReadWrite.All")
				if err := f.SetServicePrincipalEnabled(context.Background(), demoApp.ClientID, false); err != nil {
					t.Fatal(err)
				}
			},
			want: [3]verify.Status{verify.StatusFail, verify.StatusPass, verify.StatusPass}},
		{name: "grants unreadable",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, srv *graphtest.Server) {
				grant(t, f, directory.ConsentPrincipal, a.ID, "User.ReadWrite.All Group.ReadWrite.All")
				deny(f, srv, directorytest.OpPermissionGrants, graphtest.ListPermissionGrants)
			},
			want:        [3]verify.Status{verify.StatusPass, verify.StatusUnknown, verify.StatusUnknown},
			remediation: []string{"Directory.Read.All"}},
		{name: "service principal unreadable",
			arrange: func(t *testing.T, f *directorytest.Fake, a serviceaccount.Account, srv *graphtest.Server) {
				deny(f, srv, directorytest.OpServicePrincipal, graphtest.GetServicePrincipal)
			},
			want:        [3]verify.Status{verify.StatusUnknown, verify.StatusUnknown, verify.StatusUnknown},
			remediation: []string{"Application.Read.All"}},
	} {
		for _, b := range consentBackends {
			t.Run(tc.name+"/"+b.name, func(t *testing.T) {
				dir, f, srv, c := b.new(t)
				acct := passingConsentAccount(t, dir, f, c)
				if tc.arrange != nil {
					tc.arrange(t, f, acct, srv)
				}
				rep, err := verify.New(dir, nil).Verify(context.Background(), acct)
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				var got [3]verify.Status
				for i, id := range []string{verify.CheckConsentAppPresent, verify.CheckConsentScopes, verify.CheckConsentNoExtraScopes} {
					ch, ok := rep.Check(id)
					if !ok {
						t.Fatalf("no %s check in\n%v", id, rep)
					}
					got[i] = ch.Status
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("consent statuses (app-present, scopes, no-extra-scopes) mismatch (-want +got):\n%s\n%v", diff, rep)
				}
				scopes, _ := rep.Check(verify.CheckConsentScopes)
				for _, s := range tc.evidence {
					if !strings.Contains(scopes.Evidence, s) {
						t.Errorf("consent.scopes evidence %q does not contain %q", scopes.Evidence, s)
					}
				}
				for _, s := range tc.remediation {
					if !strings.Contains(scopes.Remediation, s) {
						t.Errorf("consent.scopes remediation %q does not contain %q", scopes.Remediation, s)
					}
				}
				for _, ch := range rep.Checks {
					if !strings.HasPrefix(ch.ID, "consent.") && !ch.Passed() {
						t.Errorf("check %s did not pass: %+v", ch.ID, ch)
					}
				}
			})
		}
	}
}

// deny makes the fake (directly, or behind graphtest) refuse op.
func deny(f *directorytest.Fake, srv *graphtest.Server, op directorytest.Op, endpoint graphtest.Endpoint) {
	if srv != nil {
		srv.DenyPermission(endpoint)
		return
	}
	f.SetFault(func(o directorytest.Op, object string) error {
		if o == op {
			return directorytest.PermissionDenied(o, object)
		}
		return nil
	})
}

// TestVerifyConsentOneRoundTrip: with a partner application, Verify by
// object ID still costs one round trip: the consent reads join the
// snapshot's $batch.
func TestVerifyConsentOneRoundTrip(t *testing.T) {
	env := newGraphEnv(t, nil, nil)
	acct := passingConsentAccount(t, env.dir, env.fake, env.clock)
	grant(t, env.fake, directory.ConsentPrincipal, acct.ID, "User.ReadWrite.All Group.ReadWrite.All")
	env.srv.Reset()
	rep, err := verify.New(env.dir, nil).Verify(context.Background(), acct)
	if err != nil || !rep.Passed() {
		t.Fatalf("Verify: %v\n%v", err, rep)
	}
	reqs := env.srv.Requests()
	if len(reqs) != 1 || reqs[0].Endpoint != graphtest.Batch {
		t.Fatalf("Verify by object ID sent %d requests, want one $batch: %+v", len(reqs), reqs)
	}
	// The consent reads are in the one $batch, with the sign-in policies
	// (issue 12) and the role paths (issue 11) beside them.
	var got, others []graphtest.Endpoint
	for _, r := range reqs[0].Batch {
		switch r.Endpoint {
		case graphtest.GetServicePrincipal, graphtest.ListPermissionGrants:
			got = append(got, r.Endpoint)
		default:
			others = append(others, r.Endpoint)
		}
	}
	want := []graphtest.Endpoint{graphtest.GetServicePrincipal, graphtest.GetServicePrincipal, graphtest.ListPermissionGrants}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("consent items of the $batch mismatch (-want +got):\n%s", diff)
	}
	for _, e := range []graphtest.Endpoint{
		graphtest.GetUser, graphtest.ListAuthenticationMethods, graphtest.ListRoleAssignments,
		graphtest.GetSecurityDefaults, graphtest.ListConditionalAccess, graphtest.ListAuthenticationStrength,
		graphtest.ListRoleEligibilitySchedules, graphtest.ListTransitiveMemberOf,
	} {
		if !slices.Contains(others, e) {
			t.Errorf("the $batch lacks %s: %v", e, others)
		}
	}
}
