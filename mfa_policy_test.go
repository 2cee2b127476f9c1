package consent_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
	"github.com/google/go-cmp/cmp"
)

// policyBackend is a tenant to run an MFA policy case on: the Fake itself,
// or graphdir over graphtest serving the same Fake.
type policyBackend struct {
	name string
	new  func(t *testing.T, f *directorytest.Fake) (dir directory.Directory, deny func(directorytest.Op, graphtest.Endpoint))
}

var policyBackends = []policyBackend{
	{"fake", func(t *testing.T, f *directorytest.Fake) (directory.Directory, func(directorytest.Op, graphtest.Endpoint)) {
		return f, func(op directorytest.Op, e graphtest.Endpoint) { deny(f, nil, op, e) }
	}},
	{"graph", func(t *testing.T, f *directorytest.Fake) (directory.Directory, func(directorytest.Op, graphtest.Endpoint)) {
		env := newGraphEnv(t, &graphtest.Options{Fake: f}, nil)
		return env.dir, func(op directorytest.Op, e graphtest.Endpoint) { deny(f, env.srv, op, e) }
	}},
}

// Policy documents of the cases: Graph's conditionalAccessPolicy JSON.
const (
	policyIDAllUsers = "0c6a3f1e-0000-4000-8000-0000000000a1"
	policyIDOther    = "0c6a3f1e-0000-4000-8000-0000000000a2"
)

// caPolicy returns a policy document: state, the users condition, extra
// conditions (JSON members, may be empty) and the grant controls.
func caPolicy(id, name, state, users, extraConditions, grant string) []byte {
	if extraConditions != "" {
		extraConditions = "," + extraConditions
	}
	return []byte(fmt.Sprintf(`{"id":%q,"displayName":%q,"state":%q,"createdDateTime":"2026-01-05T10:00:00Z","modifiedDateTime":null,"templateId":null,"sessionControls":null,
"conditions":{"userRiskLevels":[],"signInRiskLevels":[],"clientAppTypes":["all"],"servicePrincipalRiskLevels":[],"platforms":null,"locations":null,"devices":null,"clientApplications":null,
"applications":{"includeApplications":["All"],"excludeApplications":[],"includeUserActions":[],"includeAuthenticationContextClassReferences":[],"applicationFilter":null},
"users":%s%s},
"grantControls":%s}`, id, name, state, users, extraConditions, grant))
}

const (
	grantMFA   = `{"operator":"OR","builtInControls":["mfa"],"customAuthenticationFactors":[],"termsOfUse":[],"authenticationStrength":null}`
	grantBlock = `{"operator":"OR","builtInControls":["block"],"customAuthenticationFactors":[],"termsOfUse":[]}`
	// grantPhishingResistant gives the strength in full, the way Graph
	// lists it (the other reading, by id only, is
	// directorytest.PhishingResistantAdminsPolicy's).
	grantPhishingResistant = `{"operator":"OR","builtInControls":[],"customAuthenticationFactors":[],"termsOfUse":[],
"authenticationStrength@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies('x')/grantControls/authenticationStrength/$entity",
"authenticationStrength":{"id":"00000000-0000-0000-0000-000000000004","createdDateTime":"2021-12-01T08:00:00Z","modifiedDateTime":"2021-12-01T08:00:00Z","displayName":"Phishing-resistant MFA","description":"Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key","policyType":"builtIn","requirementsSatisfied":"mfa","allowedCombinations":["windowsHelloForBusiness","fido2","x509CertificateMultiFactor"]}}`
	allUsers = `{"includeUsers":["All"],"excludeUsers":[],"includeGroups":[],"excludeGroups":[],"includeRoles":[],"excludeRoles":[],"includeGuestsOrExternalUsers":null,"excludeGuestsOrExternalUsers":null}`
)

func usersExcluding(field, id string) string {
	return fmt.Sprintf(`{"includeUsers":["All"],%q:[%q]}`, field, id)
}

// mfaCase is one state of the tenant's sign-in policies.
type mfaCase struct {
	name string
	// privileged provisions the account with Exchange Administrator (on
	// CISA's highly privileged list) instead of Teams Administrator.
	privileged bool
	// noKey skips the owner's FIDO2 key.
	noKey bool
	// setup changes the tenant after provisioning.
	setup func(t *testing.T, f *directorytest.Fake, userID string)
	// deny denies a read.
	deny   directorytest.Op
	denyEP graphtest.Endpoint

	enforced, phishing verify.Status
	// evidence are substrings of mfa.enforced's and mfa.phishing-resistant's
	// evidence.
	enforcedEvidence, phishingEvidence []string
}

func addPolicy(t *testing.T, f *directorytest.Fake, doc []byte) {
	t.Helper()
	if _, err := f.AddConditionalAccessPolicy(doc); err != nil {
		t.Fatal(err)
	}
}

// withoutDefaults turns security defaults off and adds the policies.
func withoutDefaults(docs ...func(userID string, f *directorytest.Fake) []byte) func(*testing.T, *directorytest.Fake, string) {
	return func(t *testing.T, f *directorytest.Fake, userID string) {
		f.SetSecurityDefaults(false)
		for _, d := range docs {
			addPolicy(t, f, d(userID, f))
		}
	}
}

func doc(b []byte) func(string, *directorytest.Fake) []byte {
	return func(string, *directorytest.Fake) []byte { return b }
}

var mfaCases = []mfaCase{
	{name: "security defaults on", enforced: verify.StatusPass, phishing: verify.StatusPass,
		enforcedEvidence: []string{"security defaults are enabled"}, phishingEvidence: []string{"not applicable"}},
	{name: "covering policy", setup: withoutDefaults(doc(caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, allUsers, "", grantMFA))),
		enforced: verify.StatusPass, phishing: verify.StatusPass, enforcedEvidence: []string{`required by "Require MFA for all users"`, "includes all users"}},
	{name: "excluded by user", setup: withoutDefaults(func(id string, _ *directorytest.Fake) []byte {
		return caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, usersExcluding("excludeUsers", id), "", grantMFA)
	}), enforced: verify.StatusFail, phishing: verify.StatusPass, enforcedEvidence: []string{`excluded from "Require MFA for all users" (excluded by user ID)`}},
	{name: "excluded by nested group", setup: withoutDefaults(func(id string, f *directorytest.Fake) []byte {
		ctx := context.Background()
		outer, err := f.CreateGroup(ctx, "MFA exclusions", false)
		if err != nil {
			panic(err)
		}
		inner, err := f.CreateGroup(ctx, "Service accounts", false)
		if err != nil {
			panic(err)
		}
		if err := f.AddGroupMember(ctx, outer.ID, inner.ID); err != nil {
			panic(err)
		}
		if err := f.AddGroupMember(ctx, inner.ID, id); err != nil {
			panic(err)
		}
		return caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, usersExcluding("excludeGroups", outer.ID), "", grantMFA)
	}), enforced: verify.StatusFail, phishing: verify.StatusPass, enforcedEvidence: []string{`excluded through group "MFA exclusions"`}},
	{name: "excluded by role", setup: withoutDefaults(func(string, *directorytest.Fake) []byte {
		teams, _ := roles.Lookup("Teams Administrator")
		return caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, usersExcluding("excludeRoles", teams.ID), "", grantMFA)
	}), enforced: verify.StatusFail, phishing: verify.StatusPass, enforcedEvidence: []string{"excluded through role Teams Administrator"}},
	{name: "report-only only", setup: withoutDefaults(doc(caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyReportOnly, allUsers, "", grantMFA))),
		enforced: verify.StatusFail, phishing: verify.StatusPass, enforcedEvidence: []string{`report-only, not enforced: "Require MFA for all users"`}},
	{name: "location condition", setup: withoutDefaults(doc(caPolicy(policyIDAllUsers, "Require MFA outside trusted locations", directory.PolicyEnabled, allUsers,
		`"locations":{"includeLocations":["All"],"excludeLocations":["AllTrusted"]}`, grantMFA))),
		enforced: verify.StatusWarn, phishing: verify.StatusPass, enforcedEvidence: []string{"conditional", `condition locations: {"includeLocations":["All"],"excludeLocations":["AllTrusted"]}`}},
	{name: "block policy", setup: withoutDefaults(
		doc(caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, allUsers, "", grantMFA)),
		doc(caPolicy(policyIDOther, "Block everyone", directory.PolicyEnabled, allUsers, "", grantBlock))),
		enforced: verify.StatusFail, phishing: verify.StatusPass, enforcedEvidence: []string{`blocked for every resource by "Block everyone"`}},
	{name: "privileged with key and phishing-resistant policy", privileged: true,
		setup:    withoutDefaults(doc(caPolicy(policyIDAllUsers, "Phishing-resistant MFA for all users", directory.PolicyEnabled, allUsers, "", grantPhishingResistant))),
		enforced: verify.StatusPass, phishing: verify.StatusPass, phishingEvidence: []string{"highly privileged: Exchange Administrator", "registered: fido2", `authentication strength "Phishing-resistant MFA"`}},
	{name: "privileged with key and the CISA admin policy (strength by id)", privileged: true,
		setup: func(t *testing.T, f *directorytest.Fake, _ string) {
			addPolicy(t, f, directorytest.PhishingResistantAdminsPolicy(policyIDOther))
		},
		enforced: verify.StatusPass, phishing: verify.StatusPass, phishingEvidence: []string{"includes role Exchange Administrator"}},
	{name: "privileged without key", privileged: true, noKey: true,
		setup: func(t *testing.T, f *directorytest.Fake, _ string) {
			addPolicy(t, f, directorytest.PhishingResistantAdminsPolicy(policyIDOther))
		},
		enforced: verify.StatusPass, phishing: verify.StatusFail, phishingEvidence: []string{"no phishing-resistant method registered"}},
	{name: "privileged without policy", privileged: true,
		enforced: verify.StatusPass, phishing: verify.StatusFail, phishingEvidence: []string{"no enabled Conditional Access policy requires a phishing-resistant authentication strength"}},
	{name: "eligible for Global Administrator, no policy", setup: func(t *testing.T, f *directorytest.Fake, id string) {
		eligible(t, f, id, "Global Administrator")
	}, enforced: verify.StatusPass, phishing: verify.StatusFail, phishingEvidence: []string{"highly privileged: Global Administrator (eligible)"}},
	{name: "covered only through an eligible role", setup: withoutDefaults(func(id string, f *directorytest.Fake) []byte {
		eligible(nil, f, id, "Global Reader")
		r, _ := roles.Lookup("Global Reader")
		return caPolicy(policyIDAllUsers, "Require MFA for readers", directory.PolicyEnabled, fmt.Sprintf(`{"includeRoles":[%q]}`, r.ID), "", grantMFA)
	}), enforced: verify.StatusWarn, phishing: verify.StatusPass, enforcedEvidence: []string{"includes role Global Reader (eligible) only while it is active"}},
	{name: "non-privileged", enforced: verify.StatusPass, phishing: verify.StatusPass,
		phishingEvidence: []string{"not applicable: holds none of the 8 highly privileged roles"}},
	{name: "policies unreadable", setup: withoutDefaults(), deny: directorytest.OpConditionalAccess, denyEP: graphtest.ListConditionalAccess,
		enforced: verify.StatusUnknown, phishing: verify.StatusPass, enforcedEvidence: []string{"Conditional Access policies could not be read"}},
	{name: "policies unreadable, privileged", privileged: true, deny: directorytest.OpConditionalAccess, denyEP: graphtest.ListConditionalAccess,
		enforced: verify.StatusPass, phishing: verify.StatusUnknown, phishingEvidence: []string{"Conditional Access policies could not be read"}},
}

// TestMFAPolicyCases runs every case of issue 12 on the Fake and on the
// Graph backend over graphtest, and checks that Verify by object ID stays
// one round trip with the policy reads in its $batch.
func TestMFAPolicyCases(t *testing.T) {
	for _, be := range policyBackends {
		for _, tc := range mfaCases {
			t.Run(be.name+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				c := newClock()
				f := directorytest.New(&directorytest.Options{Now: c.Now})
				dir, deny := be.new(t, f)
				spec := serviceaccount.Spec{
					UserPrincipalName: "svc-mfa@" + directorytest.DefaultDomain, DisplayName: "svc", UsageLocation: "AU",
					Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
				}
				if tc.privileged {
					spec.Workloads = []roles.Workload{roles.Exchange}
				}
				res, err := serviceaccount.New(dir, &serviceaccount.Options{Now: c.Now, Sleep: c.Sleep}).Provision(ctx, spec)
				if err != nil {
					t.Fatal(err)
				}
				id := res.Account.ID
				if err := f.SignIn(ctx, id, "Owner-Changed-It-1!"); err != nil {
					t.Fatal(err)
				}
				if _, err := f.RegisterMethod(ctx, id, directory.MethodMicrosoftAuthenticator, "phone"); err != nil {
					t.Fatal(err)
				}
				if !tc.noKey {
					if _, err := f.RegisterMethod(ctx, id, directory.MethodFido2, "key"); err != nil {
						t.Fatal(err)
					}
				}
				if tc.setup != nil {
					tc.setup(t, f, id)
				}
				if tc.deny != "" {
					deny(tc.deny, tc.denyEP)
				}
				rep, err := verify.New(dir, nil).Verify(ctx, res.Account)
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []struct {
					id       string
					status   verify.Status
					evidence []string
				}{{verify.CheckMFAEnforced, tc.enforced, tc.enforcedEvidence}, {verify.CheckMFAPhishingResistant, tc.phishing, tc.phishingEvidence}} {
					c, _ := rep.Check(want.id)
					if c.Status != want.status {
						t.Errorf("%s = %s, want %s: %s", want.id, c.Status, want.status, c.Evidence)
					}
					for _, e := range want.evidence {
						if !strings.Contains(c.Evidence, e) {
							t.Errorf("%s evidence %q lacks %q", want.id, c.Evidence, e)
						}
					}
					if c.Status != verify.StatusPass && c.Remediation == "" {
						t.Errorf("%s is %s without a remediation", want.id, c.Status)
					}
					if c.Status == verify.StatusUnknown && !strings.Contains(c.Remediation, "Policy.Read.All") {
						t.Errorf("%s remediation %q does not name Policy.Read.All", want.id, c.Remediation)
					}
				}
			})
		}
	}
}

// TestVerifyRoundTripsWithPolicies: Verify by object ID reads the user, its
// roles (every path), methods and groups and the tenant's three sign-in
// policies in one $batch round trip (no role-assignable group to expand);
// by a userPrincipalName the Directory has not seen, the role assignments
// take a second.
func TestVerifyRoundTripsWithPolicies(t *testing.T) {
	ctx := context.Background()
	env := newGraphEnv(t, nil, nil)
	res, err := serviceaccount.New(env.dir, &serviceaccount.Options{Now: env.clock.Now, Sleep: env.clock.Sleep}).Provision(ctx, chaosSpec(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		acct   serviceaccount.Account
		trips  int
		fresh  bool
		wantEP []graphtest.Endpoint
	}{
		{name: "by object ID", acct: res.Account, trips: 1, wantEP: []graphtest.Endpoint{
			graphtest.ListTransitiveMemberOf, graphtest.GetSecurityDefaults, graphtest.ListConditionalAccess, graphtest.ListAuthenticationStrength}},
		{name: "by UPN in a new process", acct: serviceaccount.Account{UserPrincipalName: res.Account.UserPrincipalName, Workloads: res.Account.Workloads, Access: res.Account.Access, UsageLocation: "AU"},
			trips: 2, fresh: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dir directory.Directory = env.dir
			if tc.fresh {
				dir = env.freshDirectory(t)
			}
			env.srv.Reset()
			if _, err := verify.New(dir, nil).Verify(ctx, tc.acct); err != nil {
				t.Fatal(err)
			}
			reqs := env.srv.Requests()
			if len(reqs) != tc.trips {
				t.Fatalf("%d round trips, want %d: %v", len(reqs), tc.trips, reqs)
			}
			if tc.wantEP != nil {
				// The reads of this issue are items of the one $batch,
				// beside the user's and the role paths'.
				var got []graphtest.Endpoint
				for _, r := range reqs[0].Batch {
					if slices.Contains(tc.wantEP, r.Endpoint) {
						got = append(got, r.Endpoint)
					}
				}
				if diff := cmp.Diff(tc.wantEP, got); diff != "" {
					t.Errorf("$batch items (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestProvisionMFAWarning: Plan and Result warn when the tenant would not
// require MFA for the new account, RequireMFAEnforced refuses before any
// write, and an existing account excluded through a group is warned about
// by name; on the Fake and over Graph.
func TestProvisionMFAWarning(t *testing.T) {
	const warnPrefix = "the tenant would not require MFA when the account signs in"
	for _, be := range policyBackends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			c := newClock()
			f := directorytest.New(&directorytest.Options{Now: c.Now})
			dir, deny := be.new(t, f)
			p := serviceaccount.New(dir, &serviceaccount.Options{Now: c.Now, Sleep: c.Sleep})
			spec := chaosSpec(7)
			hasWarning := func(ws []string, prefix string) bool {
				return slices.ContainsFunc(ws, func(w string) bool { return strings.HasPrefix(w, prefix) })
			}

			// Security defaults on: no warning.
			plan, err := p.Plan(ctx, spec)
			if err != nil || hasWarning(plan.Warnings, warnPrefix) {
				t.Fatalf("Plan with security defaults: %v, warnings %q", err, plan.Warnings)
			}

			// Off, and no policy: Plan warns, a strict spec is refused.
			f.SetSecurityDefaults(false)
			plan, err = p.Plan(ctx, spec)
			if err != nil || !hasWarning(plan.Warnings, warnPrefix) {
				t.Fatalf("Plan without MFA: %v, warnings %q", err, plan.Warnings)
			}
			strict := spec
			strict.RequireMFAEnforced = true
			if _, err := p.Provision(ctx, strict); !errors.Is(err, serviceaccount.ErrMFANotEnforced) || len(f.Users()) != 0 {
				t.Fatalf("strict Provision: %v, %d users; want ErrMFANotEnforced and nothing written", err, len(f.Users()))
			}

			// Provision anyway: the Result warns too.
			res, err := p.Provision(ctx, spec)
			if err != nil || !hasWarning(res.Warnings, warnPrefix) {
				t.Fatalf("Provision: %v, warnings %q", err, res.Warnings)
			}

			// A policy for all users, but the account sits in an excluded
			// group: the re-run's plan names the group.
			g, err := f.CreateGroup(ctx, "No MFA", false)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.AddGroupMember(ctx, g.ID, res.Account.ID); err != nil {
				t.Fatal(err)
			}
			addPolicy(t, f, caPolicy(policyIDAllUsers, "Require MFA for all users", directory.PolicyEnabled, usersExcluding("excludeGroups", g.ID), "", grantMFA))
			plan, err = p.Plan(ctx, spec)
			if err != nil || !slices.ContainsFunc(plan.Warnings, func(w string) bool { return strings.Contains(w, `excluded through group "No MFA"`) }) {
				t.Fatalf("Plan of the excluded account: %v, warnings %q", err, plan.Warnings)
			}

			// Policies unreadable: a warning naming the permission; the
			// strict spec is refused.
			deny(directorytest.OpConditionalAccess, graphtest.ListConditionalAccess)
			plan, err = p.Plan(ctx, spec)
			if err != nil || !slices.ContainsFunc(plan.Warnings, func(w string) bool { return strings.Contains(w, "Policy.Read.All") }) {
				t.Fatalf("Plan with the policies denied: %v, warnings %q", err, plan.Warnings)
			}
			if _, err := p.Plan(ctx, strict); !errors.Is(err, serviceaccount.ErrMFANotEnforced) {
				t.Fatalf("strict Plan with the policies denied: %v", err)
			}
		})
	}
}

// eligible makes the user eligible (PIM) for the role at tenant scope; t
// may be nil inside a policy document builder, which panics instead.
func eligible(t *testing.T, f *directorytest.Fake, userID, role string) {
	r, _ := roles.Lookup(role)
	if _, err := f.CreateEligibility(context.Background(), directory.RoleSchedule{PrincipalID: userID, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		if t == nil {
			panic(err)
		}
		t.Fatal(err)
	}
}
