package serviceaccount

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// MarkerPrefix starts the employeeType of every account this SDK creates,
// followed by a random nonce unique to the creating call, for example
// "consent-sdk:4f1c9a0b2d7e". An account is managed by this SDK exactly when
// its employeeType has this prefix: Provision converges it, Deprovision and
// rollback may delete it. Any other account with the same UPN is a person's
// or another tool's, and is refused with [ErrNotManaged] unless
// [Spec.Adopt] is set. The nonce lets a call recognise its own create when
// the service's answer was lost.
const MarkerPrefix = "consent-sdk:"

// IsManaged reports whether u was created by this SDK.
func IsManaged(u directory.User) bool { return strings.HasPrefix(u.EmployeeType, MarkerPrefix) }

// ErrNotManaged reports an existing account that this SDK did not create.
// Errors from Provision and Plan that wrap it also satisfy
// errors.Is(err, directory.ErrExists); errors from Deprovision that wrap it
// satisfy errors.Is(err, directory.ErrPermission).
var ErrNotManaged = errors.New("serviceaccount: account exists and was not created by this SDK")

// Account identifies a service account and the roles it should hold. It is
// what [Provisioner.Provision] returns in [Result] and what
// verify.Verifier checks; an account created by hand (as in the manual
// procedure) is described the same way.
type Account struct {
	// ID is the account's object ID. Either ID or UserPrincipalName is
	// required; with ID, reads cost one round trip.
	ID                string `json:"id,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	// Workloads and Access give the expected roles, as in Spec; Roles adds
	// explicit ones by name or template ID.
	Workloads []roles.Workload `json:"workloads,omitempty"`
	Access    roles.Access     `json:"access,omitempty"`
	Roles     []string         `json:"roles,omitempty"`
	// UsageLocation, when set, is the expected usage location.
	UsageLocation string `json:"usageLocation,omitempty"`
	// Passwordless marks an account onboarded with a Temporary Access
	// Pass ([Spec.TemporaryAccessPass]): nobody knows its password, so
	// verify does not check that the password was changed
	// (password.changed) and checks instead that a strong method was
	// registered and no usable pass remains (credential.registered).
	Passwordless bool `json:"passwordless,omitempty"`
	// PartnerApp, when set, is the partner application that signs in as
	// the account: verify checks the tenant's consent to its scopes for
	// this account. Nil means no consent checks.
	PartnerApp *PartnerApp `json:"partnerApp,omitempty"`
}

// Key returns the ID when set, otherwise the UPN: the best key to read the
// account with.
func (a Account) Key() string {
	if a.ID != "" {
		return a.ID
	}
	return a.UserPrincipalName
}

// String names the account for messages.
func (a Account) String() string {
	switch {
	case a.UserPrincipalName != "" && a.ID != "":
		return fmt.Sprintf("%s (%s)", a.UserPrincipalName, a.ID)
	case a.UserPrincipalName != "":
		return a.UserPrincipalName
	default:
		return a.ID
	}
}

// ExpectedRoles returns the roles the account should hold, sorted by name.
func (a Account) ExpectedRoles() ([]roles.Role, error) {
	if err := checkAccess(a.Access, a.Workloads); err != nil {
		return nil, err
	}
	return resolveRoles(a.Workloads, a.Access, a.Roles)
}

// Validate checks the account's fields without calling the directory.
func (a Account) Validate() error {
	errs := a.validateKey()
	if a.UsageLocation != "" {
		if _, err := validateUsageLocation(a.UsageLocation); err != nil {
			errs = append(errs, err)
		}
	}
	if err := checkAccess(a.Access, a.Workloads); err != nil {
		errs = append(errs, err)
	} else if _, err := a.ExpectedRoles(); err != nil {
		errs = append(errs, err)
	}
	if a.PartnerApp != nil {
		if err := a.PartnerApp.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// validateKey checks what identifies the account: an ID or a UPN, each
// well-formed.
func (a Account) validateKey() []error {
	var errs []error
	if a.ID == "" && a.UserPrincipalName == "" {
		errs = append(errs, fieldErr("Account", "", "needs an ID or a UserPrincipalName"))
	}
	if a.ID != "" && !directory.IsObjectID(a.ID) {
		errs = append(errs, fieldErr("ID", a.ID, "is not an object ID (a GUID)"))
	}
	if a.UserPrincipalName != "" && strings.ContainsFunc(a.UserPrincipalName, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		errs = append(errs, fieldErr("UserPrincipalName", a.UserPrincipalName, "contains control characters"))
	}
	return errs
}
