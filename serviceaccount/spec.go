package serviceaccount

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Spec describes the service account to provision.
type Spec struct {
	// UserPrincipalName is the account's sign-in name, such as
	// "svc-cloudhub@contoso.onmicrosoft.com". Its domain must be a verified
	// domain of the tenant. Required.
	UserPrincipalName string
	// DisplayName is the name shown in the admin center. Required; at most
	// 256 characters.
	DisplayName string
	// MailNickname is the mail alias. Empty derives it from the UPN's local
	// part.
	MailNickname string
	// UsageLocation is an ISO 3166-1 alpha-2 country code ("AU", "US").
	// Required: licensed services need it.
	UsageLocation string
	// Workloads are the services the partner will manage, such as
	// roles.Teams; Access picks their admin (roles.Admin) or read-only
	// (roles.ReadOnly) roles. Access has no default: with workloads it must
	// be set, so that the more privileged level is never chosen by
	// omission.
	Workloads []roles.Workload
	Access    roles.Access
	// Roles are extra built-in roles, by display name (current or former)
	// or template ID.
	Roles []string
	// Password is the initial password. Empty generates one (24 characters
	// from crypto/rand). Either way the account must change it at its first
	// sign-in.
	Password directory.Password
	// AllowPrivileged permits roles Microsoft marks privileged (Global
	// Administrator, Privileged Role Administrator, Global Reader, ...).
	// Without it such a role is refused with a [*FieldError] that
	// satisfies errors.Is(err, [ErrPrivileged]).
	AllowPrivileged bool
	// Adopt permits converging an existing account that this SDK did not
	// create (see [IsManaged]). Without it such an account is refused with
	// [ErrNotManaged], so that admin roles never land on a person's account
	// by accident.
	Adopt bool
	// KeepOnFailure keeps an account created by this call when a later
	// step fails. By default the account is deleted (rolled back).
	KeepOnFailure bool
	// TemporaryAccessPass, when set, onboards the account without a
	// password anyone knows: Provision issues a Temporary Access Pass
	// (Result.TemporaryAccessPass) instead of returning a temporary
	// password (Result.Password stays empty). See [TemporaryAccessPass].
	TemporaryAccessPass *TemporaryAccessPass
	// RequireMFAEnforced refuses to provision, before any write, unless
	// the tenant's sign-in policies will certainly require MFA when the
	// account signs in (security defaults, or an enabled Conditional
	// Access policy covering it for every resource; see package verify's
	// mfa.enforced): the error satisfies errors.Is(err,
	// [ErrMFANotEnforced]). Without it, Plan and Result only warn.
	RequireMFAEnforced bool
	// PartnerApp, when set, is the partner application that will sign in
	// as the account: Plan and Provision report the consent it needs (its
	// Scopes of Microsoft Graph, for this account) and whether the tenant
	// has given it. Nil means no consent checks.
	PartnerApp *PartnerApp
	// GrantConsent makes Provision grant PartnerApp's scopes to this
	// account alone: it creates the application's service principal if the
	// tenant has none, then one delegated permission grant (consentType
	// Principal) for exactly the scopes, added to on later runs and rolled
	// back with the account. Without it, Result.Consent.AdminConsentURL says where an
	// administrator can consent (for every user of the tenant). It needs
	// PartnerApp.
	GrantConsent bool
}

// normalized is a validated Spec with its derived values.
type normalized struct {
	spec  Spec
	roles []roles.Role
}

// validate checks every field and returns all problems at once, each naming
// its field and value. It makes no directory call.
func (s Spec) validate() (normalized, error) {
	var errs []error
	s.UserPrincipalName = strings.TrimSpace(s.UserPrincipalName)
	upnErr := ValidateUPN(s.UserPrincipalName)
	if upnErr != nil {
		errs = append(errs, upnErr)
	}
	if err := validateDisplayName(s.DisplayName); err != nil {
		errs = append(errs, err)
	}
	derived := s.MailNickname == ""
	if derived {
		s.MailNickname = MailNicknameFromUPN(s.UserPrincipalName)
	}
	// A nickname derived from an invalid UPN is not reported again: the
	// caller did not set it, and the UPN's error says what to fix.
	if err := ValidateMailNickname(s.MailNickname); err != nil && !(derived && upnErr != nil) {
		errs = append(errs, err)
	}
	loc, err := validateUsageLocation(s.UsageLocation)
	if err != nil {
		errs = append(errs, err)
	}
	s.UsageLocation = loc
	var rs []roles.Role
	if err = checkAccess(s.Access, s.Workloads); err == nil {
		// An access error is reported once, not again as a Workloads error.
		rs, err = resolveRoles(s.Workloads, s.Access, s.Roles)
	}
	switch {
	case err != nil:
		errs = append(errs, err)
	case len(rs) == 0:
		errs = append(errs, fieldErr("Workloads", "", "no workload and no role given: the account would have no purpose"))
	case !s.AllowPrivileged:
		errs = append(errs, privilegedErrors(s.Workloads, s.Access, s.Roles)...)
	}
	if !s.Password.IsZero() {
		if err := validatePassword(s.Password); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, s.validateAccessPass()...)
	errs = append(errs, s.validateConsent()...)
	if len(errs) > 0 {
		return normalized{}, errors.Join(errs...)
	}
	return normalized{spec: s, roles: rs}, nil
}

// checkDomain reports an error when the UPN's domain is not a verified
// domain of the tenant.
func checkDomain(upn string, domains []directory.Domain) error {
	_, domain, _ := strings.Cut(upn, "@")
	for _, d := range domains {
		if strings.EqualFold(d.ID, domain) {
			if d.IsVerified {
				return nil
			}
			return fieldErr("UserPrincipalName", upn, "domain %q is not verified in the tenant", domain)
		}
	}
	var verified []string
	for _, d := range domains {
		if d.IsVerified {
			verified = append(verified, d.ID)
		}
	}
	return fieldErr("UserPrincipalName", upn, "domain %q is not a domain of the tenant (verified domains: %s)", domain, strings.Join(verified, ", "))
}
