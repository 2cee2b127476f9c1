package mfapolicy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

const userID = "11111111-0000-4000-8000-000000000001"

func role(name string) string {
	r, ok := roles.Lookup(name)
	if !ok {
		panic(name)
	}
	return r.ID
}

// policy is an enabled policy for all users and all resources requiring
// MFA, changed by edit.
func policy(name string, edit func(*directory.ConditionalAccessPolicy)) directory.ConditionalAccessPolicy {
	p := directory.ConditionalAccessPolicy{
		ID: "p-" + name, DisplayName: name, State: directory.PolicyEnabled,
		Conditions: directory.ConditionalAccessConditions{
			Users:          directory.ConditionalAccessUsers{IncludeUsers: []string{directory.PolicyAll}},
			Applications:   directory.ConditionalAccessApplications{IncludeApplications: []string{directory.PolicyAll}},
			ClientAppTypes: []string{"all"},
		},
		GrantControls: &directory.ConditionalAccessGrantControls{Operator: "OR", BuiltInControls: []string{directory.ControlMFA}},
	}
	if edit != nil {
		edit(&p)
	}
	return p
}

func strength(id string, combos ...string) *directory.AuthenticationStrength {
	return &directory.AuthenticationStrength{ID: id, RequirementsSatisfied: "mfa", AllowedCombinations: combos}
}

func subject(edit func(*Subject)) Subject {
	s := Subject{UserID: userID, Roles: []Role{{ID: role("Teams Administrator"), Scope: directory.TenantScope}}}
	if edit != nil {
		edit(&s)
	}
	return s
}

// TestMFA covers the evaluation rules beyond the end-to-end cases of the
// repository's root tests: what makes a covering policy conditional or
// partial, and what does not count at all.
func TestMFA(t *testing.T) {
	denied := errors.New("denied")
	for _, tc := range []struct {
		name     string
		edit     func(*Subject) // changes the default subject
		policies []directory.ConditionalAccessPolicy
		defaults bool
		caErr    error
		sdErr    error
		want     Verdict
		evidence string
	}{
		{name: "security defaults", defaults: true, caErr: denied, want: Enforced, evidence: "security defaults are enabled"},
		{name: "no policy", want: NotEnforced, evidence: "no Conditional Access policy"},
		{name: "disabled policy", policies: []directory.ConditionalAccessPolicy{policy("off", func(p *directory.ConditionalAccessPolicy) { p.State = directory.PolicyDisabled })},
			want: NotEnforced},
		{name: "by user ID", policies: []directory.ConditionalAccessPolicy{policy("me", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeUsers: []string{strings.ToUpper(userID)}}
		})}, want: Enforced, evidence: "includes the account by user ID"},
		{name: "other user only", policies: []directory.ConditionalAccessPolicy{policy("them", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeUsers: []string{"someone-else"}}
		})}, want: NotEnforced},
		{name: "by role", policies: []directory.ConditionalAccessPolicy{policy("admins", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeRoles: []string{role("Teams Administrator")}}
		})}, want: Enforced, evidence: "includes role Teams Administrator"},
		{name: "by eligible role only", edit: func(s *Subject) {
			s.Roles = nil
			s.Roles = append(s.Roles, Role{ID: role("Teams Administrator"), Scope: directory.TenantScope, Eligible: true})
		}, policies: []directory.ConditionalAccessPolicy{policy("admins", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeRoles: []string{role("Teams Administrator")}}
		})}, want: Conditional, evidence: "only while it is active"},
		{name: "excluded while an eligible role is active", edit: func(s *Subject) {
			s.Roles = append(s.Roles, Role{ID: role("Global Reader"), Scope: directory.TenantScope, Eligible: true})
		}, policies: []directory.ConditionalAccessPolicy{policy("all", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users.ExcludeRoles = []string{role("Global Reader")}
		})}, want: Conditional, evidence: "excluded while Global Reader (eligible) is active"},
		{name: "role at an administrative unit", edit: func(s *Subject) { s.Roles[0].Scope = "/administrativeUnits/x" },
			policies: []directory.ConditionalAccessPolicy{policy("admins", func(p *directory.ConditionalAccessPolicy) {
				p.Conditions.Users = directory.ConditionalAccessUsers{IncludeRoles: []string{role("Teams Administrator")}}
			})}, want: Conditional, evidence: "at /administrativeUnits/x"},
		{name: "groups unreadable and excluded", edit: func(s *Subject) { s.GroupsErr = denied },
			policies: []directory.ConditionalAccessPolicy{policy("all", func(p *directory.ConditionalAccessPolicy) { p.Conditions.Users.ExcludeGroups = []string{"g"} })},
			want:     Conditional, evidence: "groups could not be read"},
		{name: "some apps only", policies: []directory.ConditionalAccessPolicy{policy("portals", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Applications.IncludeApplications = []string{"MicrosoftAdminPortals"}
		})}, want: Conditional, evidence: "only the resources MicrosoftAdminPortals"},
		{name: "apps excluded", policies: []directory.ConditionalAccessPolicy{policy("most", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Applications.ExcludeApplications = []string{"Office365"}
		})}, want: Conditional, evidence: "resources excluded: Office365"},
		{name: "user action only", policies: []directory.ConditionalAccessPolicy{policy("register", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Applications = directory.ConditionalAccessApplications{IncludeUserActions: []string{"urn:user:registersecurityinfo"}}
		})}, want: NotEnforced},
		{name: "browser only", policies: []directory.ConditionalAccessPolicy{policy("web", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.ClientAppTypes = []string{"browser"}
		})}, want: Conditional, evidence: "only the client apps browser"},
		{name: "modern clients", policies: []directory.ConditionalAccessPolicy{policy("modern", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.ClientAppTypes = []string{"browser", "mobileAppsAndDesktopClients"}
		})}, want: Enforced},
		{name: "MFA or compliant device", policies: []directory.ConditionalAccessPolicy{policy("or", func(p *directory.ConditionalAccessPolicy) {
			p.GrantControls.BuiltInControls = []string{directory.ControlMFA, "compliantDevice"}
		})}, want: Conditional, evidence: "accepts compliantDevice instead of MFA"},
		{name: "MFA and compliant device", policies: []directory.ConditionalAccessPolicy{policy("and", func(p *directory.ConditionalAccessPolicy) {
			p.GrantControls.Operator, p.GrantControls.BuiltInControls = "AND", []string{directory.ControlMFA, "compliantDevice"}
		})}, want: Enforced},
		{name: "strength by ID, unresolved", policies: []directory.ConditionalAccessPolicy{policy("custom", func(p *directory.ConditionalAccessPolicy) {
			p.GrantControls.BuiltInControls, p.GrantControls.AuthenticationStrength = nil, &directory.AuthenticationStrength{ID: "custom-strength"}
		})}, want: Conditional, evidence: "could not be resolved"},
		{name: "strength without MFA", policies: []directory.ConditionalAccessPolicy{policy("weak", func(p *directory.ConditionalAccessPolicy) {
			p.GrantControls.BuiltInControls = nil
			p.GrantControls.AuthenticationStrength = &directory.AuthenticationStrength{ID: "w", RequirementsSatisfied: "none", AllowedCombinations: []string{"password"}}
		})}, want: NotEnforced},
		{name: "device filter", policies: []directory.ConditionalAccessPolicy{policy("devices", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Other = []string{`devices: {"deviceFilter":{"mode":"exclude","rule":"device.isCompliant -eq True"}}`}
		})}, want: Conditional, evidence: "condition devices"},
		{name: "block with a condition is not a block for all", policies: []directory.ConditionalAccessPolicy{
			policy("mfa", nil),
			policy("block legacy", func(p *directory.ConditionalAccessPolicy) {
				p.Conditions.ClientAppTypes = []string{"exchangeActiveSync", "other"}
				p.GrantControls.BuiltInControls = []string{directory.ControlBlock}
			})}, want: Enforced},
		{name: "a block of legacy clients alone requires no MFA", policies: []directory.ConditionalAccessPolicy{
			policy("block legacy", func(p *directory.ConditionalAccessPolicy) {
				p.Conditions.ClientAppTypes = []string{"exchangeActiveSync", "other"}
				p.GrantControls.BuiltInControls = []string{directory.ControlBlock}
			})}, want: NotEnforced, evidence: `some sign-ins blocked by "block legacy"`},
		{name: "guest condition for a guest", edit: func(s *Subject) { s.Guest = true }, policies: []directory.ConditionalAccessPolicy{policy("guests", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeGuestsOrExternalUsers: &directory.GuestsOrExternalUsers{GuestOrExternalUserTypes: "internalGuest"}}
		})}, want: Conditional, evidence: "the account is a guest"},
		{name: "guest condition for a member", policies: []directory.ConditionalAccessPolicy{policy("guests", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users = directory.ConditionalAccessUsers{IncludeGuestsOrExternalUsers: &directory.GuestsOrExternalUsers{GuestOrExternalUserTypes: "internalGuest"}}
		})}, want: NotEnforced},
		{name: "guest-type exclusion for a guest", edit: func(s *Subject) { s.Guest = true }, policies: []directory.ConditionalAccessPolicy{policy("all", func(p *directory.ConditionalAccessPolicy) {
			p.Conditions.Users.ExcludeGuestsOrExternalUsers = &directory.GuestsOrExternalUsers{GuestOrExternalUserTypes: "internalGuest"}
		})}, want: Conditional, evidence: "the policy excludes guest or external user types (internalGuest) and the account is a guest"},
		{name: "eligibilities unread, a policy names roles", edit: func(s *Subject) { s.EligibleErr = denied },
			policies: []directory.ConditionalAccessPolicy{policy("admins", func(p *directory.ConditionalAccessPolicy) {
				p.Conditions.Users = directory.ConditionalAccessUsers{IncludeRoles: []string{role("Teams Administrator")}}
			})}, want: Enforced, evidence: "PIM eligibilities were not read (denied)"},
		{name: "new account: only All users or its roles", edit: func(s *Subject) { s.UserID = "" },
			policies: []directory.ConditionalAccessPolicy{policy("all", nil)}, want: Enforced},
		{name: "policies unreadable", caErr: denied, want: Unknown, evidence: "Conditional Access policies could not be read"},
		{name: "security defaults unreadable, no policy", sdErr: denied, want: Unknown, evidence: "security defaults could not be read"},
		{name: "security defaults unreadable, a policy enforces", sdErr: denied, policies: []directory.ConditionalAccessPolicy{policy("all", nil)}, want: Enforced},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := subject(tc.edit)
			p := directory.SignInPolicies{
				SecurityDefaults: directory.SecurityDefaults{IsEnabled: tc.defaults}, SecurityDefaultsErr: tc.sdErr,
				ConditionalAccess: tc.policies, ConditionalAccessErr: tc.caErr,
			}
			a := MFA(s, p)
			if a.Verdict != tc.want || !strings.Contains(a.Evidence, tc.evidence) {
				t.Errorf("MFA = %d %q, want %d with %q", a.Verdict, a.Evidence, tc.want, tc.evidence)
			}
			if a.Verdict != Enforced && a.Verdict != Unknown && a.Remediation == "" {
				t.Errorf("verdict %d without remediation", a.Verdict)
			}
		})
	}
}

// TestPhishingResistant covers the strength rules: the built-in strength
// by ID alone (Graph may give only the id), a custom strength whose every
// combination is phishing-resistant, and one with a weaker or unknown
// mode.
func TestPhishingResistant(t *testing.T) {
	ga := Subject{UserID: userID, Roles: []Role{{ID: role("Global Administrator"), Scope: "/"}}}
	key := []directory.AuthenticationMethod{{Type: directory.MethodFido2}}
	withStrength := func(st *directory.AuthenticationStrength) []directory.ConditionalAccessPolicy {
		return []directory.ConditionalAccessPolicy{policy("strong", func(p *directory.ConditionalAccessPolicy) {
			p.GrantControls.BuiltInControls, p.GrantControls.AuthenticationStrength = nil, st
		})}
	}
	for _, tc := range []struct {
		name      string
		s         Subject
		policies  []directory.ConditionalAccessPolicy
		strengths []directory.AuthenticationStrength
		methods   []directory.AuthenticationMethod
		want      Verdict
	}{
		{name: "built-in by ID only", s: ga, methods: key, policies: withStrength(&directory.AuthenticationStrength{ID: directory.StrengthPhishingResistant}), want: Enforced},
		{name: "custom by ID, from the list", s: ga, methods: key, policies: withStrength(&directory.AuthenticationStrength{ID: "c"}),
			strengths: []directory.AuthenticationStrength{*strength("c", "fido2", "windowsHelloForBusiness")}, want: Enforced},
		{name: "custom with a weaker combination", s: ga, methods: key, policies: withStrength(strength("c", "fido2", "password,sms")), want: NotEnforced},
		{name: "custom with an unknown mode", s: ga, methods: key, policies: withStrength(strength("c", "fido2", "qrCodePin")), want: NotEnforced},
		{name: "built-in MFA strength is not enough", s: ga, methods: key, policies: withStrength(strength(directory.StrengthMFA, "fido2", "password,sms")), want: NotEnforced},
		{name: "Windows Hello counts", s: ga, methods: []directory.AuthenticationMethod{{Type: directory.MethodWindowsHelloForBusiness}},
			policies: withStrength(&directory.AuthenticationStrength{ID: directory.StrengthPhishingResistant}), want: Enforced},
		{name: "Authenticator does not", s: ga, methods: []directory.AuthenticationMethod{{Type: directory.MethodMicrosoftAuthenticator}},
			policies: withStrength(&directory.AuthenticationStrength{ID: directory.StrengthPhishingResistant}), want: NotEnforced},
		{name: "eligible GA counts", s: func() Subject {
			s := Subject{UserID: userID}
			s.Roles = append(s.Roles, Role{ID: role("Global Administrator"), Scope: "/", Eligible: true})
			return s
		}(), methods: key, want: NotEnforced},
		{name: "not highly privileged", s: Subject{UserID: userID, Roles: []Role{{ID: role("Global Reader"), Scope: "/"}}}, want: NotApplicable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := PhishingResistant(tc.s, directory.SignInPolicies{ConditionalAccess: tc.policies, AuthenticationStrengths: tc.strengths}, tc.methods, nil)
			if a.Verdict != tc.want {
				t.Errorf("PhishingResistant = %d %q, want %d", a.Verdict, a.Evidence, tc.want)
			}
		})
	}
}

// SubjectFromSnapshot: a tenant without PIM has no eligibilities to read,
// so only another failure to read them leaves EligibleErr set.
func TestSubjectFromSnapshotEligibleErr(t *testing.T) {
	denied := fmt.Errorf("list eligibilities: %w", directory.ErrPermission)
	noPIM := fmt.Errorf("list eligibilities: %w", directory.ErrNotLicensed)
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"read", nil, nil},
		{"no PIM", noPIM, nil},
		{"denied", denied, denied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := SubjectFromSnapshot(directory.Snapshot{RolePaths: directory.RolePaths{EligibilitiesErr: tc.err}}, time.Time{})
			if s.EligibleErr != tc.want {
				t.Errorf("EligibleErr = %v, want %v", s.EligibleErr, tc.want)
			}
		})
	}
}
