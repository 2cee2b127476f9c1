package consent_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

var (
	chaosRuns = flag.Int("chaos.runs", 200, "runs of the chaos suite (CONSENT_CHAOS_RUNS overrides; use 1000+ for the long form)")
	chaosSeed = flag.Uint64("chaos.seed", 0, "seed of the chaos suite (0: derived from the time; printed on failure)")
)

// faultKind is one kind of fault the chaos suite injects.
type faultKind string

const (
	fThrottleWhole    faultKind = "429 Retry-After whole"
	fThrottleFrac     faultKind = "429 Retry-After fractional"
	f503              faultKind = "503"
	f504              faultKind = "504"
	fItemThrottle     faultKind = "batch item 429"
	fBatch424         faultKind = "batch 424"
	fDropBeforeUser   faultKind = "reset before create user"
	fDropAfterUser    faultKind = "reset after create user applied"
	fDropBeforeBatch  faultKind = "reset before $batch"
	fDropAfterBatch   faultKind = "reset after $batch applied"
	fDropBeforeAssign faultKind = "reset before role-assignment $batch"
	fDropAfterAssign  faultKind = "reset after role-assignment $batch applied"
	fLag              faultKind = "replication lag"
	fReadLag          faultKind = "read lag"
	fDenyMethods      faultKind = "403 on authentication methods"
	fDenyRoles        faultKind = "403 on role assignments"
	fCancel           faultKind = "context canceled"
	fDropBeforePass   faultKind = "reset before create Temporary Access Pass"
	fDropAfterPass    faultKind = "reset after create Temporary Access Pass applied"
)

var allFaults = []faultKind{fThrottleWhole, fThrottleFrac, f503, f504, fItemThrottle, fBatch424,
	fDropBeforeUser, fDropAfterUser, fDropBeforeBatch, fDropAfterBatch, fDropBeforeAssign, fDropAfterAssign, fLag, fReadLag, fDenyMethods, fDenyRoles, fCancel,
	fDropBeforePass, fDropAfterPass}

// permanent reports whether a fault kind is permanent (see
// directory.IsTemporary): denied reads and a cancelled context. Every other
// kind is transient, and a call must absorb it.
func (k faultKind) permanent() bool { return k == fDenyMethods || k == fDenyRoles || k == fCancel }

// transientOnly reports whether every armed fault is transient (true when
// none is armed).
func transientOnly(armed map[faultKind]bool) bool {
	for k := range armed {
		if k.permanent() {
			return false
		}
	}
	return true
}

// firstCall counts first Provisions by a fault kind armed before them: in
// every run, and in runs whose faults were all transient.
type firstCall struct{ armed, ok, transientOnly, transientOnlyOK int }

// chaosStats are the suite's figures.
type chaosStats struct {
	runs, converged                                       int
	faults                                                map[faultKind]int
	fired                                                 map[string]int
	orphans, duplicates, extraRoles, unexpectedPrivileged int
	unclassified, unnamed                                 int
	provisionOK, provisionFailed                          int
	// byKind counts the first Provision of each run by the kinds armed
	// before it.
	byKind map[faultKind]*firstCall
	// Transient-only first calls (Provision and Deprovision) and how many
	// succeeded: all must.
	transientOnly, transientOnlyOK int
	// First Provisions that a permanent fault reached, how many failed
	// with a permanent error and left nothing behind, and how many failed
	// with an error still transient (a spent retry deadline): none may.
	permanentHit, permanentClean, temporaryErrors int
	// strayPasses counts passwordless accounts holding a pass other than
	// (or beside) the one returned.
	strayPasses int
}

// chaosTransport sits between the Graph backend and the Graph test server.
// It cancels a context when the n-th HTTP request is sent, and it loses the
// connection of the next $batch that creates role assignments, before the
// server receives it or after the server applied it (the test server's own
// connection drops hit the first $batch of a call, which is a read).
type chaosTransport struct {
	base   http.RoundTripper
	n      atomic.Int64
	at     int64
	cancel atomic.Pointer[context.CancelFunc]
	fired  atomic.Int64
	// dropAssign is the drop armed for the next role-assignment $batch:
	// 0 none, dropBefore or dropAfter.
	dropAssign                  atomic.Int32
	droppedBefore, droppedAfter atomic.Int64
}

const (
	dropBefore = 1
	dropAfter  = 2
)

func (c *chaosTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.n.Add(1) == c.at {
		if f := c.cancel.Load(); f != nil {
			(*f)()
			c.fired.Add(1)
		}
	}
	if c.dropAssign.Load() == 0 || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/$batch") || r.Body == nil {
		return c.base.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !bytes.Contains(body, []byte(`"method":"POST"`)) || !bytes.Contains(body, []byte("roleManagement/directory/roleAssignments")) {
		return c.base.RoundTrip(r)
	}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	switch c.dropAssign.Swap(0) {
	case dropBefore:
		c.droppedBefore.Add(1)
		return nil, reset
	case dropAfter:
		resp, err := c.base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		c.droppedAfter.Add(1)
		return nil, reset
	}
	return c.base.RoundTrip(r)
}

func chaosSpec(i int) serviceaccount.Spec {
	return serviceaccount.Spec{
		UserPrincipalName: fmt.Sprintf("svc-chaos-%d@%s", i, directorytest.DefaultDomain),
		DisplayName:       "Cloud User Hub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams, roles.Exchange, roles.SharePoint},
		Access:            roles.Admin,
	}
}

// passwordlessSpec is chaosSpec(i) onboarded with a one-time Temporary
// Access Pass.
func passwordlessSpec(i int) serviceaccount.Spec {
	s := chaosSpec(i)
	s.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: time.Hour, UsableOnce: true}
	return s
}

// TestChaos drives Provision, Verify and Deprovision through the Graph
// backend over the Graph test server with random faults, then checks the
// directory's state itself. The short form runs by default; the long form:
//
//	CONSENT_CHAOS_RUNS=1000 go test -run TestChaos -v .
func TestChaos(t *testing.T) {
	runs := *chaosRuns
	if s := os.Getenv("CONSENT_CHAOS_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("CONSENT_CHAOS_RUNS=%q: %v", s, err)
		}
		runs = n
	}
	if testing.Short() {
		runs = min(runs, 50)
	}
	seed := *chaosSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	st := chaosStats{faults: map[faultKind]int{}, fired: map[string]int{}, byKind: map[faultKind]*firstCall{}}
	failed := false
	for run := range runs {
		ok := t.Run(fmt.Sprintf("run%04d", run), func(t *testing.T) {
			chaosRun(t, rand.New(rand.NewPCG(seed, uint64(run))), run, &st)
		})
		if !ok {
			failed = true
			t.Logf("replay: go test -run 'TestChaos/run%04d$' -chaos.seed=%d -chaos.runs=%d .", run, seed, run+1)
			break
		}
	}
	t.Logf("chaos seed %d: %s", seed, st.summary())
	if failed {
		t.Fatalf("chaos suite failed with seed %d", seed)
	}
	if st.orphans+st.duplicates+st.extraRoles+st.unexpectedPrivileged+st.unclassified+st.unnamed+st.temporaryErrors+st.strayPasses > 0 ||
		st.converged != st.runs || st.transientOnlyOK != st.transientOnly || st.permanentClean != st.permanentHit {
		t.Fatalf("chaos invariants broken (seed %d): %s", seed, st.summary())
	}
}

func (st *chaosStats) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "runs %d, provision ok %d / failed %d, orphans %d, duplicates %d, extra roles %d, unexpected privileged %d, unclassified errors %d, errors not naming step+object %d, converged %d/%d (%.1f%%)\n",
		st.runs, st.provisionOK, st.provisionFailed, st.orphans, st.duplicates, st.extraRoles, st.unexpectedPrivileged, st.unclassified, st.unnamed,
		st.converged, st.runs, 100*float64(st.converged)/float64(max(st.runs, 1)))
	kinds := make([]string, 0, len(st.faults))
	for k := range st.faults {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	b.WriteString("faults injected:")
	total := 0
	for _, k := range kinds {
		fmt.Fprintf(&b, " [%s: %d]", k, st.faults[faultKind(k)])
		total += st.faults[faultKind(k)]
	}
	fmt.Fprintf(&b, " total %d\nfaults that took effect:", total)
	kinds = kinds[:0]
	for k := range st.fired {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	total = 0
	for _, k := range kinds {
		fmt.Fprintf(&b, " [%s: %d]", k, st.fired[k])
		total += st.fired[k]
	}
	fmt.Fprintf(&b, " total %d", total)
	fmt.Fprintf(&b, "\nfirst calls under transient faults only: %d/%d succeeded; first Provisions reached by a permanent fault: %d, succeeded (the fault hit a read they could do without) or failed classified permanent with nothing left %d; errors still transient %d; passwordless accounts holding a pass other than the one returned %d",
		st.transientOnlyOK, st.transientOnly, st.permanentHit, st.permanentClean, st.temporaryErrors, st.strayPasses)
	b.WriteString("\nfirst Provision succeeded, by fault kind armed (all runs; runs with transient faults only):")
	for _, k := range allFaults {
		if c := st.byKind[k]; c != nil {
			fmt.Fprintf(&b, " [%s: %d/%d; %d/%d]", k, c.ok, c.armed, c.transientOnlyOK, c.transientOnly)
		}
	}
	return b.String()
}

// arm injects 0 to 3 random faults and returns the context to use and the
// kinds armed.
func arm(rng *rand.Rand, env *graphEnv, ct *chaosTransport, st *chaosStats) (context.Context, context.CancelFunc, map[faultKind]bool) {
	ctx, cancel := context.WithCancel(context.Background())
	ct.cancel.Store(nil)
	ct.n.Store(0)
	ct.dropAssign.Store(0)
	armed := map[faultKind]bool{}
	for range rng.IntN(4) {
		k := allFaults[rng.IntN(len(allFaults))]
		st.faults[k]++
		armed[k] = true
		armKind(k, rng, env, ct, cancel)
	}
	return ctx, cancel, armed
}

// armKind arms one fault of kind k for the next call.
func armKind(k faultKind, rng *rand.Rand, env *graphEnv, ct *chaosTransport, cancel context.CancelFunc) {
	n := 1 + rng.IntN(3)
	switch k {
	case fThrottleWhole:
		env.srv.ThrottleNext(n, strconv.Itoa(1+rng.IntN(3)))
	case fThrottleFrac:
		env.srv.ThrottleNext(n, fmt.Sprintf("%.3f", 0.1+rng.Float64()*3))
	case f503:
		env.srv.FailNext(n, http.StatusServiceUnavailable)
	case f504:
		env.srv.FailNext(n, http.StatusGatewayTimeout)
	case fItemThrottle:
		env.srv.ThrottleBatchItems(n, fmt.Sprintf("%.3f", rng.Float64()*2))
	case fBatch424:
		env.srv.FailBatch(1, http.StatusFailedDependency)
	case fDropBeforeUser:
		env.srv.DropConnection(graphtest.Before, graphtest.CreateUser)
	case fDropAfterUser:
		env.srv.DropConnection(graphtest.After, graphtest.CreateUser)
	case fDropBeforeBatch:
		env.srv.DropConnection(graphtest.Before, graphtest.Batch)
	case fDropAfterBatch:
		env.srv.DropConnection(graphtest.After, graphtest.Batch)
	case fDropBeforeAssign:
		ct.dropAssign.Store(dropBefore)
	case fDropAfterAssign:
		ct.dropAssign.Store(dropAfter)
	case fLag:
		env.srv.SetReplicationLag(time.Duration(rng.IntN(30_001)) * time.Millisecond)
	case fReadLag:
		env.srv.SetReadLag(time.Duration(rng.IntN(20_001)) * time.Millisecond)
	case fDenyMethods:
		env.srv.DenyPermission(graphtest.ListAuthenticationMethods)
	case fDenyRoles:
		env.srv.DenyPermission(graphtest.ListRoleAssignments)
	case fCancel:
		ct.at = int64(1 + rng.IntN(4))
		ct.cancel.Store(&cancel)
	case fDropBeforePass:
		env.srv.DropConnection(graphtest.Before, graphtest.CreateAccessPass)
	case fDropAfterPass:
		env.srv.DropConnection(graphtest.After, graphtest.CreateAccessPass)
	}
}

func disarm(env *graphEnv, ct *chaosTransport) {
	ct.dropAssign.Store(0)
	ct.cancel.Store(nil)
	env.srv.ClearFaults()
	env.srv.SetReplicationLag(0)
	env.srv.SetReadLag(0)
}

func chaosRun(t *testing.T, rng *rand.Rand, run int, st *chaosStats) {
	ct := &chaosTransport{}
	env := newGraphEnv(t, &graphtest.Options{PageSize: 2 + rng.IntN(3)}, func(rt http.RoundTripper) http.RoundTripper {
		ct.base = rt
		return ct
	})
	spec := chaosSpec(run)
	if run%2 == 1 { // every other run onboards passwordless
		spec = passwordlessSpec(run)
	}
	want, err := roles.ForWorkloads(spec.Access, spec.Workloads...)
	if err != nil {
		t.Fatal(err)
	}
	waited, readBack := false, false
	p := serviceaccount.New(env.dir, &serviceaccount.Options{Sleep: env.clock.Sleep, Now: env.clock.Now, ReplicationTimeout: time.Minute,
		OnEvent: func(e serviceaccount.Event) {
			waited = waited || e.Kind == serviceaccount.EventReplicationWait
			readBack = readBack || e.Kind == serviceaccount.EventReadBack
		}})
	st.runs++
	defer func() {
		for k, n := range env.srv.Fired() {
			st.fired[k] += n
		}
		st.fired["context canceled mid-call"] += int(ct.fired.Load())
		st.fired["connection dropped before role-assignment $batch"] += int(ct.droppedBefore.Load())
		st.fired["connection dropped after role-assignment $batch applied"] += int(ct.droppedAfter.Load())
		if waited {
			st.fired["replication lag waited out"]++
		}
		if readBack {
			st.fired["create outcome read back while invisible"]++
		}
	}()

	// Provision under faults.
	ctx, cancel, armed := arm(rng, env, ct, st)
	before, cancelsBefore := env.srv.Fired(), ct.fired.Load()
	res, perr := p.Provision(ctx, spec)
	cancel()
	disarm(env, ct)
	hit := permanentFired(before, env.srv.Fired()) || ct.fired.Load() > cancelsBefore
	for k := range armed {
		if st.byKind[k] == nil {
			st.byKind[k] = &firstCall{}
		}
		c := st.byKind[k]
		c.armed++
		if perr == nil {
			c.ok++
		}
		if transientOnly(armed) {
			c.transientOnly++
			if perr == nil {
				c.transientOnlyOK++
			}
		}
	}
	checkFirstCall(t, st, "Provision", armed, perr)
	if hit {
		st.permanentHit++
		if perr == nil {
			// A permanent fault on a read the call could do without
			// (the role-assignment list of a rollback): it succeeded.
			st.permanentClean++
		} else if !directory.IsTemporary(perr) && len(env.fake.Users()) == 0 {
			st.permanentClean++
		} else {
			t.Errorf("a permanent fault ended Provision with %v (transient: %v), leaving %v", perr, directory.IsTemporary(perr), env.fake.Users())
		}
	}
	if perr == nil {
		st.provisionOK++
		users := env.fake.Users()
		if len(users) != 1 || users[0].ID != res.Account.ID {
			t.Errorf("Provision succeeded with %s but the directory holds %v", res.Account.ID, users)
		}
		checkPass(t, st, env, spec, res)
	} else {
		st.provisionFailed++
		checkError(t, st, "Provision", perr, spec.UserPrincipalName)
		var se *serviceaccount.Error
		left := errors.As(perr, &se) && se.Outcome.AccountLeft()
		if len(env.fake.Users()) > 0 && !left {
			st.orphans++
			t.Errorf("orphan: Provision failed (%v) without saying the account was left, yet the directory holds %v", perr, env.fake.Users())
		}
	}
	checkState(t, st, env, want)

	// Verify under faults, on an account whose owner has signed in and
	// registered MFA (acted out on the fake, beside the server's faults):
	// a report or a classified error; the report passes unless a fact
	// could not be read, and a fact that could not be read never passes.
	if perr == nil {
		// The owner signs in minutes later: reads have caught up by then.
		env.clock.Sleep(context.Background(), time.Minute)
		signIn := env.fake.SignIn(context.Background(), res.Account.ID, "Owner-Changed-It-1!")
		if spec.TemporaryAccessPass != nil {
			signIn = env.fake.SignInWithAccessPass(context.Background(), res.Account.ID, res.TemporaryAccessPass.Reveal())
		}
		if err := signIn; err != nil {
			t.Fatal(err)
		}
		if _, err := env.fake.RegisterMethod(context.Background(), res.Account.ID, directory.MethodFido2, "key"); err != nil {
			t.Fatal(err)
		}
		ctx, cancel, armed := arm(rng, env, ct, st)
		rep, verr := verify.New(env.dir, nil).Verify(ctx, res.Account)
		cancel()
		disarm(env, ct)
		denied := map[string]bool{
			verify.CheckMFARegistered:        armed[fDenyMethods],
			verify.CheckCredentialRegistered: armed[fDenyMethods],
			verify.CheckMFAPhishingResistant: armed[fDenyMethods] || armed[fDenyRoles],
			verify.CheckRolesAssigned:        armed[fDenyRoles],
			verify.CheckLeastPrivilege:       armed[fDenyRoles],
			verify.CheckNoUnexpectedPrivAdm:  armed[fDenyRoles],
		}
		if verr != nil {
			checkError(t, st, "Verify", verr, res.Account.ID)
		} else {
			for _, c := range rep.Checks {
				switch {
				case denied[c.ID] && c.Status != verify.StatusUnknown:
					t.Errorf("%s is %s although its facts were denied", c.ID, c.Status)
				case !denied[c.ID] && !c.Passed():
					t.Errorf("%s is %s on a perfect account: %s", c.ID, c.Status, c.Evidence)
				}
			}
		}
		// Deprovision under faults.
		ctx, cancel, armed = arm(rng, env, ct, st)
		derr := p.Deprovision(ctx, res.Account)
		cancel()
		disarm(env, ct)
		checkFirstCall(t, st, "Deprovision", armed, derr)
		if derr != nil {
			checkError(t, st, "Deprovision", derr, res.Account.ID)
		} else if len(env.fake.Users()) != 0 {
			st.orphans++
			t.Errorf("Deprovision succeeded but the directory holds %v", env.fake.Users())
		}
		checkState(t, st, env, want)
	}

	// Convergence: with the faults gone, a re-run converges with no
	// conflict from the earlier half-done writes, and cleans up.
	res2, err := p.Provision(context.Background(), spec)
	if err != nil {
		t.Errorf("re-run Provision did not converge: %v", err)
		return
	}
	checkState(t, st, env, want)
	got := heldRoles(env.fake, res2.Account.ID)
	if !slices.Equal(got, roleIDs(want)) {
		t.Errorf("after convergence the account holds %v, want %v", got, roleIDs(want))
		return
	}
	if err := p.Deprovision(context.Background(), res2.Account); err != nil {
		t.Errorf("final Deprovision: %v", err)
		return
	}
	if us := env.fake.Users(); len(us) != 0 {
		t.Errorf("after the final Deprovision the directory holds %v", us)
		return
	}
	st.converged++
}

// checkPass checks a successful passwordless Provision: no password
// returned, and the account holds exactly one pass, the one in the Result
// (a lost answer never leaves a second pass, or one whose passcode nobody
// has).
func checkPass(t *testing.T, st *chaosStats, env *graphEnv, spec serviceaccount.Spec, res serviceaccount.Result) {
	t.Helper()
	if spec.TemporaryAccessPass == nil {
		return
	}
	// Past any read lag (at most 20 s): the state, not a lagging read.
	env.clock.Sleep(context.Background(), 30*time.Second)
	ps, err := env.fake.AccessPasses(context.Background(), res.Account.ID)
	switch {
	case err != nil:
		t.Errorf("AccessPasses(%s): %v", res.Account.ID, err)
	case !res.Password.IsZero() || !res.Account.Passwordless:
		t.Errorf("passwordless Provision returned a password (%v) or no Passwordless mark", !res.Password.IsZero())
	case len(ps) != 1 || ps[0].ID != res.TemporaryAccessPass.ID:
		st.strayPasses++
		t.Errorf("the account holds passes %+v, the Result names %q", ps, res.TemporaryAccessPass.ID)
	}
}

// checkFirstCall checks a first call: under transient faults only it must
// succeed, and no call may fail with an error that is still transient (the
// retry deadline exceeds every wait the suite injects).
func checkFirstCall(t *testing.T, st *chaosStats, op string, armed map[faultKind]bool, err error) {
	t.Helper()
	if transientOnly(armed) {
		st.transientOnly++
		if err == nil {
			st.transientOnlyOK++
		} else {
			t.Errorf("%s failed under transient faults only (%v): %v", op, slices.Sorted(maps.Keys(armed)), err)
		}
	}
	if directory.IsTemporary(err) {
		st.temporaryErrors++
		t.Errorf("%s gave up on a transient fault: %v", op, err)
	}
}

// permanentFired reports whether a permanent fault of the server (a 403)
// took effect between the two counts of Server.Fired.
func permanentFired(before, after map[string]int) bool {
	for k, n := range after {
		if strings.HasPrefix(k, "403 ") && n > before[k] {
			return true
		}
	}
	return false
}

var sentinels = []error{directory.ErrNotFound, directory.ErrExists, directory.ErrPermission, directory.ErrThrottled,
	directory.ErrUnavailable, directory.ErrInvalid, context.Canceled, context.DeadlineExceeded}

// checkError checks that err is classified and names the step and the object.
func checkError(t *testing.T, st *chaosStats, op string, err error, object string) {
	t.Helper()
	if !slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(err, s) }) {
		st.unclassified++
		t.Errorf("%s: unclassified error: %v", op, err)
	}
	var se *serviceaccount.Error
	var ve *verify.Error
	switch {
	case errors.As(err, &se):
		if se.Step == "" || !strings.Contains(err.Error(), object) {
			st.unnamed++
			t.Errorf("%s: error does not name the step and %q: %v", op, object, err)
		}
	case errors.As(err, &ve):
		if !strings.Contains(err.Error(), object) {
			st.unnamed++
			t.Errorf("%s: error does not name %q: %v", op, object, err)
		}
	default:
		st.unnamed++
		t.Errorf("%s: error of type %T, want *serviceaccount.Error or *verify.Error: %v", op, err, err)
	}
}

// checkState checks the directory itself: no duplicate users or
// assignments, no role beyond the spec, never an unexpected privileged one.
func checkState(t *testing.T, st *chaosStats, env *graphEnv, want []roles.Role) {
	t.Helper()
	users := env.fake.Users()
	upns := map[string]bool{}
	for _, u := range users {
		k := strings.ToLower(u.UserPrincipalName)
		if upns[k] {
			st.duplicates++
			t.Errorf("duplicate user %s", u.UserPrincipalName)
		}
		upns[k] = true
		if !serviceaccount.IsManaged(u) {
			t.Errorf("user %s lacks the ownership marker", u.UserPrincipalName)
		}
	}
	allowed := map[string]bool{}
	for _, r := range want {
		allowed[r.ID] = true
	}
	seen := map[string]bool{}
	for _, a := range env.fake.AllRoleAssignments() {
		key := a.PrincipalID + "|" + a.RoleDefinitionID + "|" + a.DirectoryScopeID
		if seen[key] {
			st.duplicates++
			t.Errorf("duplicate role assignment %+v", a)
		}
		seen[key] = true
		if !allowed[a.RoleDefinitionID] || a.DirectoryScopeID != directory.TenantScope {
			st.extraRoles++
			t.Errorf("role assignment beyond the spec: %+v", a)
			if r, ok := roles.Lookup(a.RoleDefinitionID); !ok || r.Privileged {
				st.unexpectedPrivileged++
			}
		}
	}
}

func heldRoles(f *directorytest.Fake, principal string) []string {
	var ids []string
	for _, a := range f.AllRoleAssignments() {
		if a.PrincipalID == principal && a.DirectoryScopeID == directory.TenantScope {
			ids = append(ids, a.RoleDefinitionID)
		}
	}
	slices.Sort(ids)
	return ids
}

func roleIDs(rs []roles.Role) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	return ids
}
