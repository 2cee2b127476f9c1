package directorytest

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
)

// Operations of [directory.AccessPassIssuer].
const (
	OpAccessPassPolicy Op = "AccessPassPolicy"
	OpAccessPasses     Op = "AccessPasses"
	OpCreateAccessPass Op = "CreateAccessPass"
	OpDeleteAccessPass Op = "DeleteAccessPass"
)

var _ directory.AccessPassIssuer = (*Fake)(nil)

// Usability reasons of a pass (methodUsabilityReason).
const (
	reasonEnabled     = "EnabledByPolicy"
	reasonDisabled    = "DisabledByPolicy"
	reasonExpired     = "Expired"
	reasonNotYetValid = "NotYetValid"
	reasonUsed        = "OneTimeUsed"
)

// DefaultAccessPassPolicy is the Temporary Access Pass policy a new Fake
// has: enabled for all users, with the lifetimes and length of Microsoft's
// documented example (default and minimum 1 hour, maximum 8 hours, 8
// characters), reusable passes allowed. A real tenant starts with the
// method disabled; an admin enables it ([Fake.SetAccessPassPolicy]).
func DefaultAccessPassPolicy() directory.AccessPassPolicy {
	return directory.AccessPassPolicy{
		Enabled:         true,
		IncludeTargets:  []directory.PolicyTarget{{ID: directory.AllUsers, Type: directory.TargetGroup}},
		ExcludeTargets:  []directory.PolicyTarget{},
		MinimumLifetime: time.Hour,
		MaximumLifetime: 8 * time.Hour,
		DefaultLifetime: time.Hour,
		DefaultLength:   8,
	}
}

// fakePass is a user's Temporary Access Pass.
type fakePass struct {
	id       string
	code     string
	created  time.Time
	start    time.Time
	lifetime time.Duration
	once     bool
	used     bool
}

// state returns the pass as a read reports it at now: no passcode.
func (p *fakePass) state(now time.Time, policy directory.AccessPassPolicy) directory.AccessPass {
	reason := reasonEnabled
	switch {
	case !policy.Enabled:
		reason = reasonDisabled
	case now.Before(p.start):
		reason = reasonNotYetValid
	case !now.Before(p.start.Add(p.lifetime)):
		reason = reasonExpired
	case p.once && p.used:
		reason = reasonUsed
	}
	return directory.AccessPass{
		ID: p.id, CreatedDateTime: p.created, StartDateTime: p.start, Lifetime: p.lifetime,
		UsableOnce: p.once, Usable: reason == reasonEnabled, Reason: reason,
	}
}

// withPass returns the user's methods, with its pass as a
// temporaryAccessPass method. It must be called with f.mu held.
func (f *Fake) withPass(u *fakeUser) []directory.AuthenticationMethod {
	ms := slices.Clone(u.methods)
	if u.pass != nil {
		st := u.pass.state(f.now(), f.passPolicy)
		ms = append(ms, directory.AuthenticationMethod{ID: u.pass.id, Type: directory.MethodTemporaryAccessPass, AccessPass: &st})
	}
	return ms
}

// SetAccessPassPolicy acts out an admin editing the tenant's Temporary
// Access Pass policy (Protection > Authentication methods > Temporary
// Access Pass). It refuses what Microsoft Graph refuses: lifetimes outside
// 10 minutes to 30 days or not whole minutes, a default outside the
// minimum and maximum, a length outside 8 to 48, a target without an ID or
// of an unknown type.
func (f *Fake) SetAccessPassPolicy(p directory.AccessPassPolicy) error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"minimumLifetime", p.MinimumLifetime}, {"maximumLifetime", p.MaximumLifetime}, {"defaultLifetime", p.DefaultLifetime}} {
		if d.v < directory.MinAccessPassLifetime || d.v > directory.MaxAccessPassLifetime || d.v%time.Minute != 0 {
			return invalid("set Temporary Access Pass policy: %s %v is not a whole number of minutes between 10 and 43200", d.name, d.v)
		}
	}
	if p.MinimumLifetime > p.MaximumLifetime || p.DefaultLifetime < p.MinimumLifetime || p.DefaultLifetime > p.MaximumLifetime {
		return invalid("set Temporary Access Pass policy: defaultLifetime %v must lie between minimumLifetime %v and maximumLifetime %v", p.DefaultLifetime, p.MinimumLifetime, p.MaximumLifetime)
	}
	if p.DefaultLength < 8 || p.DefaultLength > 48 {
		return invalid("set Temporary Access Pass policy: defaultLength %d is not between 8 and 48", p.DefaultLength)
	}
	for _, t := range slices.Concat(p.IncludeTargets, p.ExcludeTargets) {
		if t.ID == "" || t.Type != directory.TargetUser && t.Type != directory.TargetGroup {
			return invalid("set Temporary Access Pass policy: target %+v needs an ID and targetType user or group", t)
		}
	}
	p.IncludeTargets = slices.Clone(p.IncludeTargets)
	if p.IncludeTargets == nil {
		p.IncludeTargets = []directory.PolicyTarget{}
	}
	p.ExcludeTargets = slices.Clone(p.ExcludeTargets)
	if p.ExcludeTargets == nil {
		p.ExcludeTargets = []directory.PolicyTarget{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.passPolicy = p
	return nil
}

// AccessPassPolicy implements [directory.AccessPassIssuer].
func (f *Fake) AccessPassPolicy(ctx context.Context) (directory.AccessPassPolicy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpAccessPassPolicy, "TemporaryAccessPass"); err != nil {
		return directory.AccessPassPolicy{}, err
	}
	p := f.passPolicy
	p.IncludeTargets = slices.Clone(p.IncludeTargets)
	p.ExcludeTargets = slices.Clone(p.ExcludeTargets)
	return p, nil
}

// AccessPasses implements [directory.AccessPassIssuer].
func (f *Fake) AccessPasses(ctx context.Context, userID string) ([]directory.AccessPass, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpAccessPasses, userID); err != nil {
		return nil, err
	}
	u, ok := f.visible(userID)
	if !ok {
		return nil, notFound("user", userID)
	}
	out := []directory.AccessPass{}
	if u.pass != nil {
		out = append(out, u.pass.state(f.now(), f.passPolicy))
	}
	return out, nil
}

// CreateAccessPass implements [directory.AccessPassIssuer]: it enforces
// the policy (the Fake has no groups, so a user is targeted only through
// all_users or a user target) and replaces a pass the user has.
func (f *Fake) CreateAccessPass(ctx context.Context, userID string, np directory.NewAccessPass) (directory.AccessPass, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpCreateAccessPass, userID); err != nil {
		return directory.AccessPass{}, err
	}
	u, ok := f.lookup(userID)
	if !ok {
		return directory.AccessPass{}, notFound("user", userID)
	}
	pol := f.passPolicy
	lifetime := np.Lifetime
	if lifetime == 0 {
		lifetime = pol.DefaultLifetime
	}
	what := fmt.Sprintf("create Temporary Access Pass for user %q", userID)
	switch {
	case !pol.Enabled:
		return directory.AccessPass{}, invalid("%s: the Temporary Access Pass method is disabled in the tenant's policy", what)
	case !targets(pol.IncludeTargets, u.user.ID, true) || targets(pol.ExcludeTargets, u.user.ID, false):
		return directory.AccessPass{}, invalid("%s: the Temporary Access Pass policy does not target the user", what)
	case lifetime%time.Minute != 0 || lifetime < directory.MinAccessPassLifetime || lifetime > directory.MaxAccessPassLifetime:
		return directory.AccessPass{}, invalid("%s: lifetimeInMinutes must be between 10 and 43200", what)
	case lifetime < pol.MinimumLifetime || lifetime > pol.MaximumLifetime:
		return directory.AccessPass{}, invalid("%s: lifetime %v is outside the policy's %v to %v", what, lifetime, pol.MinimumLifetime, pol.MaximumLifetime)
	case pol.UsableOnce && !np.UsableOnce:
		return directory.AccessPass{}, invalid("%s: the policy allows one-time passes only", what)
	}
	code, err := passcode(max(pol.DefaultLength, 8))
	if err != nil {
		return directory.AccessPass{}, fmt.Errorf("directorytest: %s: %v: %w", what, err, directory.ErrUnavailable)
	}
	now := f.now().UTC()
	start := np.StartDateTime
	if start.IsZero() {
		start = now
	}
	u.pass = &fakePass{id: f.newID(kindMethod), code: code, created: now, start: start.UTC(), lifetime: lifetime, once: np.UsableOnce}
	out := u.pass.state(now, pol)
	out.Pass = directory.NewPassword(code)
	return out, nil
}

// targets reports whether the targets name the user: all_users (when
// allUsers counts) or a user target with its ID.
func targets(ts []directory.PolicyTarget, userID string, allUsers bool) bool {
	for _, t := range ts {
		if allUsers && t.ID == directory.AllUsers || t.Type == directory.TargetUser && strings.EqualFold(t.ID, userID) {
			return true
		}
	}
	return false
}

// passcode returns n characters from crypto/rand in the alphabet of
// Microsoft's example passes ("+drkzqAD").
func passcode(n int) (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+-#@"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// DeleteAccessPass implements [directory.AccessPassIssuer].
func (f *Fake) DeleteAccessPass(ctx context.Context, userID, passID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, OpDeleteAccessPass, userID+"/"+passID); err != nil {
		return err
	}
	u, ok := f.lookup(userID)
	if !ok {
		return notFound("user", userID)
	}
	if u.pass == nil || !strings.EqualFold(u.pass.id, passID) {
		return notFound(fmt.Sprintf("Temporary Access Pass of user %q", userID), passID)
	}
	u.pass = nil
	return nil
}

// SignInWithAccessPass acts out the user's first sign-in with a Temporary
// Access Pass: it fails with ErrPermission unless pass is the user's
// passcode and usable now, and uses up a one-time pass. The owner then
// registers a strong method ([Fake.RegisterMethod]).
func (f *Fake) SignInWithAccessPass(ctx context.Context, userID, pass string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.lookup(userID)
	if !ok {
		return notFound("user", userID)
	}
	if u.pass == nil || pass == "" || u.pass.code != pass {
		return fmt.Errorf("directorytest: sign in %q with a Temporary Access Pass: the pass is wrong: %w", userID, directory.ErrPermission)
	}
	if st := u.pass.state(f.now(), f.passPolicy); !st.Usable {
		return fmt.Errorf("directorytest: sign in %q with a Temporary Access Pass: the pass is not usable (%s): %w", userID, st.Reason, directory.ErrPermission)
	}
	u.pass.used = true
	f.recordSignIn(u.user.ID)
	return nil
}

// What the Temporary Access Pass requests need, from their Microsoft Learn
// pages.
var (
	// https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get
	accessPassPolicyRequirement = directory.Requirement{
		Permissions: []string{"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"},
		Roles:       []string{"Global Reader", "Authentication Policy Administrator"},
	}
	// https://learn.microsoft.com/graph/api/authentication-list-temporaryaccesspassmethods
	accessPassReadRequirement = directory.Requirement{
		Permissions: []string{"UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"},
		Roles:       []string{"Global Reader", "Authentication Administrator", "Privileged Authentication Administrator"},
	}
	// https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods
	// and temporaryaccesspassauthenticationmethod-delete: an
	// Authentication Administrator may act only on users without admin
	// roles.
	accessPassWriteRequirement = directory.Requirement{
		Permissions: []string{"UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"},
		Roles:       []string{"Authentication Administrator", "Privileged Authentication Administrator"},
	}
)
