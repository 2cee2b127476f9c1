package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SecurityDefaults is the tenant's security defaults setting, Microsoft
// Graph's identitySecurityDefaultsEnforcementPolicy
// (https://learn.microsoft.com/graph/api/resources/identitysecuritydefaultsenforcementpolicy).
// When enabled, Microsoft Entra ID requires every user to register for MFA
// and asks for it when the sign-in looks risky, and always for
// administrator roles (https://learn.microsoft.com/entra/fundamentals/security-defaults).
type SecurityDefaults struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	IsEnabled   bool   `json:"isEnabled"`
}

// Conditional Access policy states, as Graph's conditionalAccessPolicy
// state names them.
const (
	PolicyEnabled    = "enabled"
	PolicyDisabled   = "disabled"
	PolicyReportOnly = "enabledForReportingButNotEnforced"
)

// ConditionalAccessPolicy is a Conditional Access policy, with the JSON
// names of Microsoft Graph's conditionalAccessPolicy
// (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy):
// a policy read from Graph decodes into it with encoding/json. It keeps the
// parts that decide whom the policy covers and what it grants; every other
// condition is kept as a description in [ConditionalAccessConditions.Other],
// so that a condition this type does not model is never lost.
type ConditionalAccessPolicy struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// State is PolicyEnabled, PolicyDisabled or PolicyReportOnly.
	State         string                          `json:"state"`
	Conditions    ConditionalAccessConditions     `json:"conditions"`
	GrantControls *ConditionalAccessGrantControls `json:"grantControls"`
}

// ConditionalAccessConditions are the conditions of a policy.
type ConditionalAccessConditions struct {
	Users        ConditionalAccessUsers        `json:"users"`
	Applications ConditionalAccessApplications `json:"applications"`
	// ClientAppTypes are "all", "browser", "mobileAppsAndDesktopClients",
	// "exchangeActiveSync", "easSupported" or "other".
	ClientAppTypes []string `json:"clientAppTypes"`
	// Other describes each other condition the policy sets (locations,
	// platforms, devices, risk levels, authentication flows, client
	// applications, and any condition newer than this type), sorted, as
	// "name: value" with the value in compact JSON. These are the
	// conditions that depend on the sign-in itself, which no read of the
	// directory can settle.
	Other []string `json:"-"`
}

// modelled are the condition names ConditionalAccessConditions decodes.
var modelled = []string{"users", "applications", "clientAppTypes", "@odata.type"}

// UnmarshalJSON decodes Graph's conditionalAccessConditionSet: users,
// applications and clientAppTypes into their fields, and every other
// condition that is set (not null, not empty) into Other.
func (c *ConditionalAccessConditions) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var out ConditionalAccessConditions
	if v, ok := raw["users"]; ok {
		if err := json.Unmarshal(v, &out.Users); err != nil {
			return fmt.Errorf("conditions.users: %w", err)
		}
	}
	if v, ok := raw["applications"]; ok {
		if err := json.Unmarshal(v, &out.Applications); err != nil {
			return fmt.Errorf("conditions.applications: %w", err)
		}
	}
	if v, ok := raw["clientAppTypes"]; ok {
		if err := json.Unmarshal(v, &out.ClientAppTypes); err != nil {
			return fmt.Errorf("conditions.clientAppTypes: %w", err)
		}
	}
	for k, v := range raw {
		if slices.Contains(modelled, k) || strings.Contains(k, "@") || isUnset(v) {
			continue
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return fmt.Errorf("conditions.%s: %w", k, err)
		}
		out.Other = append(out.Other, k+": "+buf.String())
	}
	slices.Sort(out.Other)
	*c = out
	return nil
}

// isUnset reports whether a JSON value says nothing: null, "", [], {} or
// an object whose every member is unset (Graph writes "devices": null or
// "locations": {"includeLocations": [], ...} alike for "not configured").
func isUnset(v json.RawMessage) bool {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return false
	}
	return unsetValue(x)
}

func unsetValue(x any) bool {
	switch x := x.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		for k, v := range x {
			if !strings.Contains(k, "@") && !unsetValue(v) {
				return false
			}
		}
		return true
	}
	return false
}

// Special values of the users condition.
const (
	// PolicyAll in IncludeUsers or IncludeApplications means everyone or
	// every resource ("All resources", formerly "All cloud apps").
	PolicyAll = "All"
	// PolicyNone in IncludeUsers or IncludeApplications means no one.
	PolicyNone = "None"
)

// ConditionalAccessUsers says whom a policy covers: the included users,
// groups and directory roles (role template IDs), minus the excluded ones.
type ConditionalAccessUsers struct {
	IncludeUsers  []string `json:"includeUsers"`
	ExcludeUsers  []string `json:"excludeUsers"`
	IncludeGroups []string `json:"includeGroups"`
	ExcludeGroups []string `json:"excludeGroups"`
	IncludeRoles  []string `json:"includeRoles"`
	ExcludeRoles  []string `json:"excludeRoles"`
	// IncludeGuestsOrExternalUsers and ExcludeGuestsOrExternalUsers are
	// set when the policy targets or spares guest and external user types;
	// they never match a member user.
	IncludeGuestsOrExternalUsers *GuestsOrExternalUsers `json:"includeGuestsOrExternalUsers"`
	ExcludeGuestsOrExternalUsers *GuestsOrExternalUsers `json:"excludeGuestsOrExternalUsers"`
}

// GuestsOrExternalUsers is Graph's conditionalAccessGuestsOrExternalUsers.
type GuestsOrExternalUsers struct {
	// GuestOrExternalUserTypes is a comma-separated list such as
	// "internalGuest,b2bCollaborationGuest".
	GuestOrExternalUserTypes string `json:"guestOrExternalUserTypes"`
}

// ConditionalAccessApplications says which resources a policy covers.
type ConditionalAccessApplications struct {
	// IncludeApplications holds application IDs, PolicyAll, PolicyNone or
	// an application group such as "Office365" or "MicrosoftAdminPortals".
	IncludeApplications []string `json:"includeApplications"`
	ExcludeApplications []string `json:"excludeApplications"`
	// IncludeUserActions ("urn:user:registersecurityinfo",
	// "urn:user:registerdevice") target actions instead of resources.
	IncludeUserActions []string `json:"includeUserActions"`
	// IncludeAuthenticationContextClassReferences target authentication
	// contexts ("c1"...) instead of resources.
	IncludeAuthenticationContextClassReferences []string `json:"includeAuthenticationContextClassReferences"`
	// ApplicationFilter selects applications by their custom security
	// attributes.
	ApplicationFilter *ConditionalAccessFilter `json:"applicationFilter"`
}

// ConditionalAccessFilter is a filter rule: Mode "include" or "exclude".
type ConditionalAccessFilter struct {
	Mode string `json:"mode"`
	Rule string `json:"rule"`
}

// Built-in controls of a policy's grant controls.
const (
	ControlBlock = "block"
	ControlMFA   = "mfa"
)

// ConditionalAccessGrantControls is what a policy grants access with.
type ConditionalAccessGrantControls struct {
	// Operator is "AND" (every control) or "OR" (any one of them).
	Operator string `json:"operator"`
	// BuiltInControls are ControlBlock, ControlMFA, "compliantDevice",
	// "domainJoinedDevice", "approvedApplication", "compliantApplication",
	// "passwordChange"...
	BuiltInControls             []string `json:"builtInControls"`
	CustomAuthenticationFactors []string `json:"customAuthenticationFactors"`
	TermsOfUse                  []string `json:"termsOfUse"`
	// AuthenticationStrength is the authentication strength the policy
	// requires, or nil. Graph may give it in full or only its id; the
	// tenant's [AuthenticationStrength] list completes it.
	AuthenticationStrength *AuthenticationStrength `json:"authenticationStrength"`
}

// The built-in authentication strengths' IDs, the same in every tenant
// (https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths;
// GET /policies/authenticationStrengthPolicies lists them with
// policyType "builtIn").
const (
	StrengthMFA               = "00000000-0000-0000-0000-000000000002"
	StrengthPasswordlessMFA   = "00000000-0000-0000-0000-000000000003"
	StrengthPhishingResistant = "00000000-0000-0000-0000-000000000004"
)

// AuthenticationStrength is an authentication strength policy, Graph's
// authenticationStrengthPolicy
// (https://learn.microsoft.com/graph/api/resources/authenticationstrengthpolicy).
type AuthenticationStrength struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// PolicyType is "builtIn" or "custom".
	PolicyType string `json:"policyType"`
	// RequirementsSatisfied is "mfa" when satisfying the strength
	// satisfies MFA, "none" otherwise.
	RequirementsSatisfied string `json:"requirementsSatisfied"`
	// AllowedCombinations are the combinations of authentication method
	// modes any one of which satisfies the strength, each a
	// comma-separated list of modes ("fido2", "password,sms"...), kept as
	// Graph wrote them, unknown modes included.
	AllowedCombinations []string `json:"allowedCombinations"`
}

// SignInPolicies are the tenant's policies that decide whether a sign-in
// must use MFA, and of what strength. Each part carries its own error,
// like the parts of a [Snapshot]: the credential may be allowed to read
// some and not others.
type SignInPolicies struct {
	SecurityDefaults    SecurityDefaults
	SecurityDefaultsErr error

	ConditionalAccess    []ConditionalAccessPolicy
	ConditionalAccessErr error

	AuthenticationStrengths    []AuthenticationStrength
	AuthenticationStrengthsErr error
}

// FailSignInPolicies returns SignInPolicies whose every part failed with
// err.
func FailSignInPolicies(err error) SignInPolicies {
	return SignInPolicies{SecurityDefaultsErr: err, ConditionalAccessErr: err, AuthenticationStrengthsErr: err}
}

// SignInPolicyReader is implemented by a directory that can read the
// tenant's security defaults, Conditional Access policies and
// authentication strengths. The returned error is non-nil only when
// nothing could be read (the context is done); each part carries its own.
type SignInPolicyReader interface {
	SignInPolicies(ctx context.Context) (SignInPolicies, error)
}

// ReadSignInPolicies reads the tenant's sign-in policies with d's
// SignInPolicies method. A directory that does not implement
// [SignInPolicyReader] gives parts that fail with an error satisfying
// errors.Is(err, errors.ErrUnsupported).
func ReadSignInPolicies(ctx context.Context, d Directory) (SignInPolicies, error) {
	if r, ok := d.(SignInPolicyReader); ok {
		return r.SignInPolicies(ctx)
	}
	if err := ctx.Err(); err != nil {
		return SignInPolicies{}, err
	}
	return FailSignInPolicies(fmt.Errorf("directory: read sign-in policies: %T does not implement SignInPolicyReader: %w", d, errors.ErrUnsupported)), nil
}

// MemberOfReader is implemented by a directory that can list the groups a
// user is a member of, directly or through nested groups. An unknown user
// gives ErrNotFound.
type MemberOfReader interface {
	TransitiveMemberOf(ctx context.Context, userID string) ([]Group, error)
}

// ReadTransitiveMemberOf lists the groups of the user with object ID
// userID with d's TransitiveMemberOf method. A directory that does not
// implement [MemberOfReader] gives an error satisfying
// errors.Is(err, errors.ErrUnsupported).
func ReadTransitiveMemberOf(ctx context.Context, d Directory, userID string) ([]Group, error) {
	if r, ok := d.(MemberOfReader); ok {
		return r.TransitiveMemberOf(ctx, userID)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("directory: list groups of %q: %T does not implement MemberOfReader: %w", userID, d, errors.ErrUnsupported)
}
