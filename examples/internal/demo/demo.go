// Package demo builds the embedded demo tenant the examples run on when no
// real tenant is given: an in-memory directory (directorytest.Fake) with a
// simulated clock, so runs are fast and print stable output.
package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// Domain is the demo tenant's verified domain.
const Domain = directorytest.DefaultDomain

// Start is the demo clock's starting time.
var Start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// Clock is a simulated clock that only moves when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep advances the clock instead of waiting (for Options.Sleep).
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Tenant is the demo tenant.
type Tenant struct {
	*directorytest.Fake
	Clock *Clock
}

// PhishingResistantPolicyID is the ID of the demo tenant's Conditional
// Access policy.
const PhishingResistantPolicyID = "0c6a3f1e-0000-4000-8000-00000000ca01"

// NewTenant returns an empty demo tenant (contoso.onmicrosoft.com verified,
// plus an unverified custom domain) with a simulated clock. Its security
// defaults are on, and it has the Conditional Access policy CISA SCuBA
// MS.AAD.3.6v1 asks for: phishing-resistant MFA for the highly privileged
// roles.
func NewTenant() *Tenant {
	c := &Clock{now: Start}
	f := directorytest.New(&directorytest.Options{
		Now: c.Now,
		Domains: []directory.Domain{
			{ID: Domain, IsVerified: true, IsDefault: true, IsInitial: true},
			{ID: "contoso.com", IsVerified: false},
		},
	})
	if _, err := f.AddConditionalAccessPolicy(directorytest.PhishingResistantAdminsPolicy(PhishingResistantPolicyID)); err != nil {
		panic("demo: the built-in policy document does not decode: " + err.Error())
	}
	return &Tenant{Fake: f, Clock: c}
}

// PartnerAppID is the application (client) ID of the demo partner
// application (a made-up "Cloud User Hub"), and PartnerScopes the delegated
// Microsoft Graph scopes it works with.
const PartnerAppID = "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f"

// PartnerScopes are the demo partner application's scopes.
var PartnerScopes = []string{"User.ReadWrite.All", "Group.ReadWrite.All", "TeamSettings.ReadWrite.All"}

// PartnerApp returns the demo partner application.
func PartnerApp() *serviceaccount.PartnerApp {
	return &serviceaccount.PartnerApp{ClientID: PartnerAppID, Scopes: append([]string(nil), PartnerScopes...)}
}

// HandMadeUPN is the account the customer created by hand in the seeded
// tenant, following the manual procedure.
const HandMadeUPN = "cloudhub-svc@" + Domain

// NewSeededTenant returns a demo tenant in which the customer has already
// followed the manual procedure: HandMadeUPN exists with the Teams
// Administrator role, has signed in and registered Microsoft Authenticator.
func NewSeededTenant(ctx context.Context) (*Tenant, error) {
	t := NewTenant()
	u, err := t.CreateUser(ctx, directory.NewUser{
		UserPrincipalName: HandMadeUPN, DisplayName: "Cloud User Hub service account", MailNickname: "cloudhub-svc",
		UsageLocation: "AU", AccountEnabled: true, ForceChangePasswordNextSignIn: true,
		Password: directory.NewPassword("Initial-Demo-Passw0rd!"),
	})
	if err != nil {
		return nil, fmt.Errorf("demo: seed: %w", err)
	}
	teams, _ := roles.Lookup("Teams Administrator")
	if _, err := t.CreateRoleAssignment(ctx, directory.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: teams.ID, DirectoryScopeID: directory.TenantScope}); err != nil {
		return nil, fmt.Errorf("demo: seed: %w", err)
	}
	t.Clock.Advance(26 * time.Hour)
	if err := t.SignIn(ctx, u.ID, "Changed-By-Owner-42!"); err != nil {
		return nil, fmt.Errorf("demo: seed: %w", err)
	}
	if _, err := t.RegisterMethod(ctx, u.ID, directory.MethodMicrosoftAuthenticator, "Owner's phone"); err != nil {
		return nil, fmt.Errorf("demo: seed: %w", err)
	}
	return t, nil
}

// ProvisionerOptions returns Provisioner options wired to the demo clock.
func (t *Tenant) ProvisionerOptions() *serviceaccount.Options {
	return &serviceaccount.Options{Now: t.Clock.Now, Sleep: t.Clock.Sleep}
}
