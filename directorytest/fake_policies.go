package directorytest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cloudhub/consent/directory"
)

// Operations of the sign-in policy and group reads.
const (
	OpSecurityDefaults        Op = "SecurityDefaults"
	OpConditionalAccess       Op = "ConditionalAccessPolicies"
	OpAuthenticationStrengths Op = "AuthenticationStrengths"
	OpTransitiveMemberOf      Op = "TransitiveMemberOf"
)

// policyState is the tenant's sign-in policies: each Conditional Access
// policy and custom authentication strength kept as the JSON document it
// was added as (a policy is data), and the groups with their members.
type policyState struct {
	securityDefaults bool
	caDocs           []json.RawMessage
	strengthDocs     []json.RawMessage
}

var (
	_ directory.SignInPolicyReader = (*Fake)(nil)
	_ directory.MemberOfReader     = (*Fake)(nil)
)

// builtInStrengths are the built-in authentication strengths, as Microsoft
// Graph lists them (GET /policies/authenticationStrengthPolicies,
// https://learn.microsoft.com/graph/api/authenticationstrengthroot-list-policies;
// IDs and combinations from
// https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths).
var builtInStrengths = []string{
	`{"id":"00000000-0000-0000-0000-000000000002","createdDateTime":"2021-12-01T08:00:00Z","modifiedDateTime":"2021-12-01T08:00:00Z","displayName":"Multifactor authentication","description":"Combinations of methods that satisfy strong authentication, such as a password + SMS","policyType":"builtIn","requirementsSatisfied":"mfa","allowedCombinations":["windowsHelloForBusiness","fido2","x509CertificateMultiFactor","deviceBasedPush","temporaryAccessPassOneTime","temporaryAccessPassMultiUse","password,microsoftAuthenticatorPush","password,softwareOath","password,hardwareOath","password,sms","password,voice","federatedMultiFactor","microsoftAuthenticatorPush,federatedSingleFactor","softwareOath,federatedSingleFactor","hardwareOath,federatedSingleFactor","sms,federatedSingleFactor","voice,federatedSingleFactor"]}`,
	`{"id":"00000000-0000-0000-0000-000000000003","createdDateTime":"2021-12-01T08:00:00Z","modifiedDateTime":"2021-12-01T08:00:00Z","displayName":"Passwordless MFA","description":"Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator","policyType":"builtIn","requirementsSatisfied":"mfa","allowedCombinations":["windowsHelloForBusiness","fido2","x509CertificateMultiFactor","deviceBasedPush"]}`,
	`{"id":"00000000-0000-0000-0000-000000000004","createdDateTime":"2021-12-01T08:00:00Z","modifiedDateTime":"2021-12-01T08:00:00Z","displayName":"Phishing-resistant MFA","description":"Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key","policyType":"builtIn","requirementsSatisfied":"mfa","allowedCombinations":["windowsHelloForBusiness","fido2","x509CertificateMultiFactor"]}`,
}

func (f *Fake) policyState() *policyState {
	if f.policies == nil {
		f.policies = &policyState{securityDefaults: true}
		for _, d := range builtInStrengths {
			f.policies.strengthDocs = append(f.policies.strengthDocs, json.RawMessage(d))
		}
	}
	return f.policies
}

// SetSecurityDefaults acts out an admin turning security defaults on or
// off (Identity > Overview > Properties > Manage security defaults). A new
// Fake has them on, as a tenant created since October 2019 does.
func (f *Fake) SetSecurityDefaults(enabled bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policyState().securityDefaults = enabled
}

// AddConditionalAccessPolicy acts out an admin creating a Conditional
// Access policy: doc is the policy as Microsoft Graph's
// conditionalAccessPolicy JSON
// (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy),
// kept verbatim and served as is by graphtest. It returns the policy as
// decoded; a document that is not a policy (no JSON object, no id, no
// state) gives ErrInvalid.
func (f *Fake) AddConditionalAccessPolicy(doc []byte) (directory.ConditionalAccessPolicy, error) {
	var p directory.ConditionalAccessPolicy
	if err := json.Unmarshal(doc, &p); err != nil {
		return p, invalid("add Conditional Access policy: %v", err)
	}
	if p.ID == "" || p.State == "" {
		return p, invalid("add Conditional Access policy %q: id and state are required", p.DisplayName)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policyState().caDocs = append(f.policyState().caDocs, slices.Clone(json.RawMessage(doc)))
	return p, nil
}

// AddAuthenticationStrength acts out an admin creating a custom
// authentication strength: doc is Graph's authenticationStrengthPolicy
// JSON, kept verbatim. The built-in strengths are always there.
func (f *Fake) AddAuthenticationStrength(doc []byte) (directory.AuthenticationStrength, error) {
	var s directory.AuthenticationStrength
	if err := json.Unmarshal(doc, &s); err != nil {
		return s, invalid("add authentication strength: %v", err)
	}
	if s.ID == "" {
		return s, invalid("add authentication strength %q: id is required", s.DisplayName)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.policyState().strengthDocs = append(f.policyState().strengthDocs, slices.Clone(json.RawMessage(doc)))
	return s, nil
}

// SecurityDefaultsDocument is GET
// /policies/identitySecurityDefaultsEnforcementPolicy's answer, for
// graphtest.
func (f *Fake) SecurityDefaultsDocument(ctx context.Context) (json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpSecurityDefaults, ""); err != nil {
		return nil, err
	}
	return f.securityDefaultsDoc(), nil
}

// securityDefaultsDoc follows the example of "Get
// identitySecurityDefaultsEnforcementPolicy"
// (https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get).
func (f *Fake) securityDefaultsDoc() json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity","id":"00000000-0000-0000-0000-000000000005","displayName":"Security Defaults","description":"Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.","isEnabled":%t}`,
		f.policyState().securityDefaults))
}

// ConditionalAccessDocuments returns the Conditional Access policies as
// the JSON documents they were added as, for graphtest.
func (f *Fake) ConditionalAccessDocuments(ctx context.Context) ([]json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpConditionalAccess, ""); err != nil {
		return nil, err
	}
	return cloneDocs(f.policyState().caDocs), nil
}

// AuthenticationStrengthDocuments returns the authentication strengths,
// built-in ones first, as JSON documents, for graphtest.
func (f *Fake) AuthenticationStrengthDocuments(ctx context.Context) ([]json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpAuthenticationStrengths, ""); err != nil {
		return nil, err
	}
	return cloneDocs(f.policyState().strengthDocs), nil
}

func cloneDocs(ds []json.RawMessage) []json.RawMessage {
	out := make([]json.RawMessage, len(ds))
	for i, d := range ds {
		out[i] = slices.Clone(d)
	}
	return out
}

// SignInPolicies implements [directory.SignInPolicyReader]. Faults set on
// OpSecurityDefaults, OpConditionalAccess and OpAuthenticationStrengths
// fail their part.
func (f *Fake) SignInPolicies(ctx context.Context) (directory.SignInPolicies, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, Call{Op: OpSecurityDefaults}, Call{Op: OpConditionalAccess}, Call{Op: OpAuthenticationStrengths})
	if err := ctx.Err(); err != nil {
		return directory.SignInPolicies{}, err
	}
	return f.signInPolicies(), nil
}

// signInPolicies reads the three parts, each after its fault hook. It must
// be called with f.mu held.
func (f *Fake) signInPolicies() directory.SignInPolicies {
	var p directory.SignInPolicies
	ps := f.policyState()
	if p.SecurityDefaultsErr = f.faultFor(OpSecurityDefaults, ""); p.SecurityDefaultsErr == nil {
		p.SecurityDefaultsErr = json.Unmarshal(f.securityDefaultsDoc(), &p.SecurityDefaults)
	}
	if p.ConditionalAccessErr = f.faultFor(OpConditionalAccess, ""); p.ConditionalAccessErr == nil {
		p.ConditionalAccess, p.ConditionalAccessErr = decodeDocs[directory.ConditionalAccessPolicy](ps.caDocs)
	}
	if p.AuthenticationStrengthsErr = f.faultFor(OpAuthenticationStrengths, ""); p.AuthenticationStrengthsErr == nil {
		p.AuthenticationStrengths, p.AuthenticationStrengthsErr = decodeDocs[directory.AuthenticationStrength](ps.strengthDocs)
	}
	return p
}

func decodeDocs[T any](docs []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		var v T
		if err := json.Unmarshal(d, &v); err != nil {
			return nil, fmt.Errorf("directorytest: decode %T: %v: %w", v, err, directory.ErrInvalid)
		}
		out = append(out, v)
	}
	return out, nil
}

// TransitiveMemberOf implements [directory.MemberOfReader]: the groups the
// user is a member of, directly or through nested groups (groups made with
// [Fake.CreateGroup] and [Fake.AddGroupMember]), in creation order.
func (f *Fake) TransitiveMemberOf(ctx context.Context, userID string) ([]directory.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpTransitiveMemberOf, userID); err != nil {
		return nil, err
	}
	return f.transitiveMemberOf(userID)
}

func (f *Fake) transitiveMemberOf(userID string) ([]directory.Group, error) {
	u, ok := f.visible(userID)
	if !ok {
		return nil, notFound("user", userID)
	}
	gs := f.memberOf(u.user.ID) // fake_privilege.go: every group, transitively
	if gs == nil {
		gs = []directory.Group{}
	}
	return gs, nil
}
