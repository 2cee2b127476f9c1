package mfapolicy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// finding is how one Conditional Access policy applies to the subject.
type finding struct {
	policy directory.ConditionalAccessPolicy
	users  match
	why    []string // why the users condition covers the subject
	// ifs are what the coverage depends on: unreadable memberships,
	// eligible roles, sign-in conditions, alternatives to MFA, an
	// unresolved authentication strength.
	ifs []string
	// gaps are the sign-ins the policy leaves out: resources, client apps.
	gaps     []string
	block    bool
	mfa      bool
	strength *directory.AuthenticationStrength
}

func (f finding) name() string {
	if f.policy.DisplayName != "" {
		return fmt.Sprintf("%q", f.policy.DisplayName)
	}
	return "policy " + f.policy.ID
}

// full reports a policy that certainly applies to every sign-in of the
// subject.
func (f finding) full() bool { return f.users == yes && len(f.ifs) == 0 && len(f.gaps) == 0 }

// evaluate returns the finding of every policy that could cover the
// subject (users condition not "no", a grant control to speak of, at least
// one resource), enabled and report-only alike; disabled policies are left
// out. excluded describes the enabled policies that exclude the subject.
func evaluate(s Subject, p directory.SignInPolicies) (out []finding, excluded []string) {
	for _, pol := range p.ConditionalAccess {
		if pol.State != directory.PolicyEnabled && pol.State != directory.PolicyReportOnly {
			continue
		}
		g := pol.GrantControls
		if g == nil {
			continue // session controls only
		}
		f := finding{policy: pol}
		f.users, f.why, f.ifs = s.users(pol.Conditions.Users)
		if f.users == no {
			if len(f.why) > 0 && pol.State == directory.PolicyEnabled {
				excluded = append(excluded, f.name()+" ("+strings.Join(f.why, "; ")+")")
			}
			continue
		}
		apps := pol.Conditions.Applications
		switch {
		case containsFold(apps.IncludeApplications, directory.PolicyAll):
			if len(apps.ExcludeApplications) > 0 {
				f.gaps = append(f.gaps, "resources excluded: "+strings.Join(apps.ExcludeApplications, ", "))
			}
		case len(apps.IncludeApplications) > 0 && !containsFold(apps.IncludeApplications, directory.PolicyNone):
			f.gaps = append(f.gaps, "only the resources "+strings.Join(apps.IncludeApplications, ", "))
		default:
			continue // user actions or authentication contexts: not sign-ins to resources
		}
		if apps.ApplicationFilter != nil && apps.ApplicationFilter.Rule != "" {
			f.ifs = append(f.ifs, fmt.Sprintf("application filter (%s: %s)", apps.ApplicationFilter.Mode, apps.ApplicationFilter.Rule))
		}
		if c := pol.Conditions.ClientAppTypes; len(c) > 0 && !containsFold(c, "all") &&
			!(containsFold(c, "browser") && containsFold(c, "mobileAppsAndDesktopClients")) {
			f.gaps = append(f.gaps, "only the client apps "+strings.Join(c, ", "))
		}
		for _, o := range pol.Conditions.Other {
			f.ifs = append(f.ifs, "condition "+o)
		}
		f.block = containsFold(g.BuiltInControls, directory.ControlBlock)
		f.mfa = containsFold(g.BuiltInControls, directory.ControlMFA)
		if g.AuthenticationStrength != nil {
			st, ok := resolveStrength(*g.AuthenticationStrength, p.AuthenticationStrengths)
			f.strength = &st
			switch {
			case !ok:
				f.ifs = append(f.ifs, fmt.Sprintf("authentication strength %s could not be resolved (its allowed combinations are unknown)", st.ID))
				f.mfa = true
			case !strings.EqualFold(st.RequirementsSatisfied, "none"):
				f.mfa = true
			}
		}
		if !strings.EqualFold(g.Operator, "AND") {
			if alt := alternatives(*g); len(alt) > 0 && f.mfa && !f.block {
				f.ifs = append(f.ifs, "the grant accepts "+strings.Join(alt, ", ")+" instead of MFA (operator OR)")
			}
		}
		out = append(out, f)
	}
	return out, excluded
}

// alternatives are the grant controls other than MFA and an
// authentication strength.
func alternatives(g directory.ConditionalAccessGrantControls) []string {
	var alt []string
	for _, c := range g.BuiltInControls {
		if !strings.EqualFold(c, directory.ControlMFA) {
			alt = append(alt, c)
		}
	}
	for _, t := range g.TermsOfUse {
		alt = append(alt, "terms of use "+t)
	}
	for _, c := range g.CustomAuthenticationFactors {
		alt = append(alt, "custom control "+c)
	}
	return alt
}

// phishingResistantModes are the authentication method modes of the
// built-in Phishing-resistant MFA strength
// (https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths).
var phishingResistantModes = []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"}

// builtInPhishingResistant is the built-in strength when Graph names it by
// ID only and the tenant's list could not be read.
var builtInPhishingResistant = directory.AuthenticationStrength{
	ID: directory.StrengthPhishingResistant, DisplayName: "Phishing-resistant MFA", PolicyType: "builtIn",
	RequirementsSatisfied: "mfa", AllowedCombinations: phishingResistantModes,
}

// resolveStrength completes a policy's strength: as given when Graph gave
// its allowed combinations, else from the tenant's list by ID, else the
// built-in Phishing-resistant MFA strength by its documented ID.
func resolveStrength(st directory.AuthenticationStrength, list []directory.AuthenticationStrength) (directory.AuthenticationStrength, bool) {
	if len(st.AllowedCombinations) > 0 {
		return st, true
	}
	for _, l := range list {
		if strings.EqualFold(l.ID, st.ID) && len(l.AllowedCombinations) > 0 {
			return l, true
		}
	}
	if strings.EqualFold(st.ID, directory.StrengthPhishingResistant) {
		return builtInPhishingResistant, true
	}
	return st, false
}

// phishingResistant reports whether every allowed combination of st is a
// single phishing-resistant mode.
func phishingResistant(st directory.AuthenticationStrength) bool {
	if len(st.AllowedCombinations) == 0 {
		return false
	}
	for _, c := range st.AllowedCombinations {
		for _, mode := range strings.Split(c, ",") {
			if !slices.Contains(phishingResistantModes, strings.TrimSpace(mode)) {
				return false
			}
		}
	}
	return true
}

func strengthName(st *directory.AuthenticationStrength) string {
	if st.DisplayName != "" {
		return fmt.Sprintf("%q", st.DisplayName)
	}
	return st.ID
}

// describe says how a finding applies: "policy "X" (includes all users;
// requires MFA; conditional on: ...)".
func (f finding) describe() string {
	var parts []string
	parts = append(parts, f.why...)
	switch {
	case f.block:
		parts = append(parts, "blocks access")
	case f.strength != nil:
		parts = append(parts, "requires authentication strength "+strengthName(f.strength))
	case f.mfa:
		parts = append(parts, "requires MFA")
	}
	if len(f.gaps) > 0 {
		parts = append(parts, "covers "+strings.Join(f.gaps, "; "))
	}
	if len(f.ifs) > 0 {
		parts = append(parts, "depends on "+strings.Join(f.ifs, "; "))
	}
	return f.name() + " (" + strings.Join(parts, "; ") + ")"
}
