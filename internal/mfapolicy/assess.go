package mfapolicy

import (
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Verdict is the outcome of an assessment.
type Verdict int

// Verdicts.
const (
	// Unknown: a policy that decides the outcome could not be read
	// (Assessment.Err says why).
	Unknown Verdict = iota
	// Enforced: certainly required at every sign-in.
	Enforced
	// Conditional: required, but only under conditions the SDK cannot
	// evaluate offline, or only for some sign-ins; Evidence names them.
	Conditional
	// NotEnforced: no enforcing policy covers the account.
	NotEnforced
	// Blocked: an enabled policy blocks the account for every resource.
	Blocked
	// NotApplicable: the rule does not apply to the account.
	NotApplicable
)

// Assessment is the outcome of one rule for one account.
type Assessment struct {
	Verdict     Verdict
	Evidence    string
	Remediation string
	// Err is the failed read behind an Unknown verdict.
	Err error
	// ReportOnly names the report-only policies that would have applied:
	// they never enforce.
	ReportOnly []string
}

const (
	caPoliciesPath = "Microsoft Entra admin center > Protection > Conditional Access > Policies"
	// RemedyMFA is what makes MFA enforced for the account.
	remedyMFA    = "Require MFA for the account: " + caPoliciesPath + " > New policy: Users > Include > All users (or the account); Target resources > Include > All resources; Grant > Grant access > Require multifactor authentication; Enable policy > On. A tenant without Conditional Access (no Microsoft Entra ID P1) can enable security defaults instead: Identity > Overview > Properties > Manage security defaults > Enabled."
	remedyKey    = "Sign in as the account and register a phishing-resistant method: a FIDO2 security key or passkey, or Windows Hello for Business (https://aka.ms/mysecurityinfo)."
	remedyPolicy = "Require the built-in Phishing-resistant MFA authentication strength for the highly privileged roles (CISA SCuBA MS.AAD.3.6v1): " + caPoliciesPath + " > New policy: Users > Include > Select users and groups > Directory roles > the highly privileged roles; Target resources > Include > All resources; Grant > Grant access > Require authentication strength > Phishing-resistant MFA; Enable policy > On (register the key first: the policy locks out an account without one)."
	remedyPR     = remedyKey + " " + remedyPolicy
)

// MFA assesses whether MFA will be required when the subject signs in:
// Enforced when security defaults are enabled or an enabled Conditional
// Access policy certainly covers every sign-in of the account and requires
// MFA or an authentication strength; Blocked when an enabled policy
// certainly blocks every sign-in; Conditional when the covering policies
// depend on conditions; NotEnforced otherwise; Unknown when the policies
// that would decide could not be read.
func MFA(s Subject, p directory.SignInPolicies) Assessment {
	if p.SecurityDefaultsErr == nil && p.SecurityDefaults.IsEnabled {
		return Assessment{Verdict: Enforced, Evidence: "security defaults are enabled: every user must register for MFA, administrator roles are asked for it at every sign-in and other users when Microsoft Entra ID deems it necessary"}
	}
	if p.ConditionalAccessErr != nil {
		return Assessment{Verdict: Unknown, Err: p.ConditionalAccessErr,
			Evidence: fmt.Sprintf("Conditional Access policies could not be read: %v", p.ConditionalAccessErr)}
	}
	var enforcing, blocking, partialBlocks, conditional, reportOnly []string
	findings, excluded := evaluate(s, p)
	for _, f := range findings {
		if f.policy.State == directory.PolicyReportOnly {
			if f.mfa || f.block {
				reportOnly = append(reportOnly, f.describe())
			}
			continue
		}
		switch {
		case f.block && f.full():
			blocking = append(blocking, f.describe())
		case f.block:
			// A block of some sign-ins (legacy clients, a location)
			// neither requires MFA nor locks the partner out.
			partialBlocks = append(partialBlocks, f.describe())
		case f.mfa && f.full():
			enforcing = append(enforcing, f.describe())
		case f.mfa:
			conditional = append(conditional, f.describe())
		}
	}
	a := Assessment{ReportOnly: reportOnly}
	var ev []string
	switch {
	case len(blocking) > 0:
		a.Verdict = Blocked
		ev = append(ev, "blocked for every resource by "+strings.Join(blocking, "; "))
		a.Remediation = "The partner will not be able to sign in: exclude the account from the blocking policy or narrow it (" + caPoliciesPath + " > the policy > Users > Exclude), then require MFA instead."
	case len(enforcing) > 0:
		a.Verdict = Enforced
		ev = append(ev, "required by "+strings.Join(enforcing, "; "))
		if len(reportOnly) > 0 {
			a.Remediation = "Report-only policies do not enforce anything; switch them On or delete them (" + caPoliciesPath + " > the policy > Enable policy)."
		}
	case len(conditional) > 0:
		a.Verdict = Conditional
		ev = append(ev, "conditional: required only as "+strings.Join(conditional, "; "))
		a.Remediation = "Check that the conditions cannot leave the account without MFA (" + caPoliciesPath + " > the policy > What If), or " + lowerFirst(remedyMFA)
	default:
		a.Verdict = NotEnforced
		if len(p.ConditionalAccess) == 0 {
			ev = append(ev, "security defaults are disabled and the tenant has no Conditional Access policy")
		} else {
			ev = append(ev, fmt.Sprintf("security defaults are disabled and none of the %d Conditional Access policies requires MFA for the account", len(p.ConditionalAccess)))
		}
		if len(excluded) > 0 {
			ev = append(ev, "the account is excluded from "+strings.Join(excluded, "; "))
		}
		a.Remediation = remedyMFA
		if len(excluded) > 0 {
			a.Remediation = "Remove the account's exclusion (" + caPoliciesPath + " > the policy > Users > Exclude: the user, its group or its role), or " + lowerFirst(remedyMFA)
		}
		if len(reportOnly) > 0 {
			a.Remediation = "Switch the report-only policy On (" + caPoliciesPath + " > the policy > Enable policy > On), or " + lowerFirst(remedyMFA)
		}
	}
	if p.SecurityDefaultsErr != nil && a.Verdict != Enforced && a.Verdict != Blocked {
		return Assessment{Verdict: Unknown, Err: p.SecurityDefaultsErr,
			Evidence: fmt.Sprintf("security defaults could not be read (%v); %s", p.SecurityDefaultsErr, strings.Join(ev, "; "))}
	}
	if len(reportOnly) > 0 {
		ev = append(ev, "report-only, not enforced: "+strings.Join(reportOnly, "; "))
	}
	if len(partialBlocks) > 0 {
		ev = append(ev, "some sign-ins blocked by "+strings.Join(partialBlocks, "; "))
	}
	if s.EligibleErr != nil && rolesReferenced(p) {
		ev = append(ev, "PIM eligibilities were not read ("+s.EligibleErr.Error()+"): coverage through eligible roles is not evaluated")
	}
	a.Evidence = strings.Join(ev, "; ")
	return a
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// phishingResistantMethods are the registered method types that satisfy
// the Phishing-resistant MFA strength: FIDO2 security keys and passkeys,
// Windows Hello for Business, and platform credentials (macOS Platform
// SSO), which Microsoft documents as phishing-resistant.
var phishingResistantTypes = []directory.MethodType{
	directory.MethodFido2, directory.MethodWindowsHelloForBusiness, directory.MethodPlatformCredential,
}

// PhishingResistant assesses CISA SCuBA MS.AAD.3.6v1 for the subject: an
// account holding a highly privileged role ([roles.HighlyPrivileged]),
// actively or eligibly, must have a phishing-resistant method registered
// and be covered by an enabled policy requiring an authentication strength
// whose every combination is phishing-resistant. Other accounts are
// NotApplicable.
func PhishingResistant(s Subject, p directory.SignInPolicies, methods []directory.AuthenticationMethod, methodsErr error) Assessment {
	ev, key, done, early := phishingResistantMethods(s, methods, methodsErr)
	if done {
		return early
	}
	if p.ConditionalAccessErr != nil {
		return Assessment{Verdict: Unknown, Err: p.ConditionalAccessErr, Evidence: strings.Join(append(ev, fmt.Sprintf("Conditional Access policies could not be read: %v", p.ConditionalAccessErr)), "; ")}
	}
	var enforcing, conditional, reportOnly []string
	findings, excluded := evaluate(s, p)
	for _, f := range findings {
		if f.block || f.strength == nil || !phishingResistant(*f.strength) {
			continue
		}
		switch {
		case f.policy.State == directory.PolicyReportOnly:
			reportOnly = append(reportOnly, f.describe())
		case f.full():
			enforcing = append(enforcing, f.describe())
		default:
			conditional = append(conditional, f.describe())
		}
	}
	a := Assessment{ReportOnly: reportOnly}
	var missing, remedies []string
	if len(key) == 0 {
		missing = append(missing, "no phishing-resistant method registered (FIDO2 security key or passkey, Windows Hello for Business, platform credential)")
		remedies = append(remedies, remedyKey)
	} else {
		ev = append(ev, "registered: "+strings.Join(key, ", "))
	}
	switch {
	case len(enforcing) > 0:
		ev = append(ev, "required by "+strings.Join(enforcing, "; "))
	case len(conditional) > 0:
		ev = append(ev, "conditional: required only as "+strings.Join(conditional, "; "))
	default:
		missing = append(missing, "no enabled Conditional Access policy requires a phishing-resistant authentication strength for the account")
		if len(excluded) > 0 {
			missing = append(missing, "the account is excluded from "+strings.Join(excluded, "; "))
		}
		remedies = append(remedies, remedyPolicy)
	}
	if len(reportOnly) > 0 {
		ev = append(ev, "report-only, not enforced: "+strings.Join(reportOnly, "; "))
	}
	switch {
	case len(missing) > 0:
		a.Verdict = NotEnforced
		ev = append(ev[:1:1], append(missing, ev[1:]...)...)
		a.Remediation = strings.Join(remedies, " ")
	case len(conditional) > 0 && len(enforcing) == 0:
		a.Verdict = Conditional
		a.Remediation = "Check that the conditions cannot leave the account without phishing-resistant MFA (" + caPoliciesPath + " > the policy > What If), or " + lowerFirst(remedyPR)
	default:
		a.Verdict = Enforced
	}
	a.Evidence = strings.Join(ev, "; ")
	return a
}

// rolesReferenced reports whether an enabled or report-only policy
// includes or excludes directory roles.
func rolesReferenced(p directory.SignInPolicies) bool {
	for _, pol := range p.ConditionalAccess {
		u := pol.Conditions.Users
		if pol.State != directory.PolicyDisabled && len(u.IncludeRoles)+len(u.ExcludeRoles) > 0 {
			return true
		}
	}
	return false
}

// phishingResistantMethods assesses what MS.AAD.3.6v1 asks of the account
// before any policy is read: done (with a) when the rule does not apply or
// a read it needs failed; otherwise the evidence so far and the
// phishing-resistant methods registered.
func phishingResistantMethods(s Subject, methods []directory.AuthenticationMethod, methodsErr error) (ev, key []string, done bool, a Assessment) {
	if s.RolesErr != nil {
		return nil, nil, true, Assessment{Verdict: Unknown, Err: s.RolesErr, Evidence: fmt.Sprintf("role assignments could not be read: %v", s.RolesErr)}
	}
	var held []string
	for _, r := range s.Roles {
		if roles.IsHighlyPrivileged(r.ID) {
			held = append(held, r.name())
		}
	}
	if len(held) == 0 {
		e := fmt.Sprintf("not applicable: holds none of the %d highly privileged roles (CISA SCuBA MS.AAD.3.6v1)", len(roles.HighlyPrivileged()))
		if s.EligibleErr != nil {
			e += "; PIM eligibilities not read (" + s.EligibleErr.Error() + ")"
		}
		return nil, nil, true, Assessment{Verdict: NotApplicable, Evidence: e}
	}
	ev = []string{"highly privileged: " + strings.Join(held, ", ")}
	if methodsErr != nil {
		return nil, nil, true, Assessment{Verdict: Unknown, Err: methodsErr, Evidence: strings.Join(append(ev, fmt.Sprintf("authentication methods could not be read: %v", methodsErr)), "; ")}
	}
	for _, m := range methods {
		for _, t := range phishingResistantTypes {
			if m.Type == t {
				key = append(key, string(m.Type))
			}
		}
	}
	return ev, key, false, Assessment{}
}

// PhishingResistantMethodOnly assesses the half of MS.AAD.3.6v1 that a
// credential which may not read the tenant's sign-in policies can see (the
// service account signed in as itself): NotApplicable for an account
// holding no highly privileged role; NotEnforced when it holds one and has
// no phishing-resistant method registered (no policy can make up for
// that); Conditional when a method is registered, since whether a policy
// requires it is not visible; Unknown when the roles or the methods could
// not be read.
func PhishingResistantMethodOnly(s Subject, methods []directory.AuthenticationMethod, methodsErr error) Assessment {
	ev, key, done, a := phishingResistantMethods(s, methods, methodsErr)
	if done {
		return a
	}
	if len(key) == 0 {
		ev = append(ev, "no phishing-resistant method registered (FIDO2 security key or passkey, Windows Hello for Business, platform credential)")
		return Assessment{Verdict: NotEnforced, Evidence: strings.Join(ev, "; "), Remediation: remedyKey}
	}
	ev = append(ev, "registered: "+strings.Join(key, ", "), "whether a Conditional Access policy requires phishing-resistant MFA is not visible to this credential")
	return Assessment{Verdict: Conditional, Evidence: strings.Join(ev, "; "),
		Remediation: "Ask the customer to run Verify (admin side) with an app granted Policy.Read.All, or signed in as a Security Reader or Global Reader, to check the policy half: " + remedyPolicy}
}
