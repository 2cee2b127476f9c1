package serviceaccount

import (
	"context"
	"io"
	"log/slog"
	"time"
)

// Options configures a [Provisioner]. A nil *Options uses the defaults.
type Options struct {
	// Logger receives progress at info level and details at debug level.
	// Secrets are never logged. Default: discard.
	Logger *slog.Logger
	// OnEvent, when set, is called synchronously for every step, so a UI
	// can show progress during slow steps such as a replication wait.
	// Concurrent calls of the same Provisioner call it concurrently.
	OnEvent func(Event)
	// ReplicationTimeout bounds the wait for a new account to become
	// visible to role assignment (Entra ID's replication lag is typically
	// 15-30 s, sometimes minutes). Default: 5 minutes.
	ReplicationTimeout time.Duration
	// PollInterval is the first wait between attempts; each later wait is
	// 1.5 times longer, up to MaxPollInterval. Defaults: 250 ms and 5 s.
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// RetryTimeout bounds how long a step that failed with a transient
	// fault (throttled, unavailable, an answer lost with the connection;
	// see [directory.IsTemporary]) keeps being retried: a read, the
	// create, the role assignments, a delete. Each retry waits the larger
	// of the polling interval and the Retry-After the service asked for; a
	// wait that would end later than RetryTimeout after the step's first
	// transient failure is not taken, and the call fails with the last
	// fault. Default: 3 minutes.
	RetryTimeout time.Duration
	// AuthorityHost is the Microsoft Entra authority of the tenant's
	// cloud, for the admin-consent URL of a partner application
	// ([PartnerApp.AdminConsentURL]). Default: [DefaultAuthorityHost].
	AuthorityHost string
	// RollbackTimeout bounds the cleanup after a failure, which runs even
	// when the caller's context is done. Default: 2 minutes.
	RollbackTimeout time.Duration
	// ReadBackTimeout bounds how long Provision keeps reading back an
	// account whose create it cannot be sure of (the answer was lost, or
	// the service answered an error after perhaps applying it) while reads
	// do not show the account yet (a read served by a replica that has not
	// caught up). If the account appears carrying this call's marker it is
	// this call's; if it never does, the error says it may still appear
	// ([OutcomeMayExist]). That read-back runs within RollbackTimeout,
	// even when ctx is done. The same bound applies when a rollback's
	// delete answers not found for the account this call created, and
	// when a role assignment answered as a conflict does not show yet in
	// the account's assignments as read (within ctx). Default: 30 seconds.
	ReadBackTimeout time.Duration
	// Rand is the source of randomness for passwords and markers.
	// Default: crypto/rand.Reader.
	Rand io.Reader
	// Sleep waits for d or until ctx is done (returning ctx.Err()); tests
	// inject a fake clock here. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to measure waits. Default: time.Now.
	Now func() time.Time
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
