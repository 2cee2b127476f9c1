package serviceaccount

import (
	"crypto/rand"
	"log/slog"
	"time"

	"github.com/cloudhub/consent/directory"
)

// Provisioner creates, converges and removes customer-consent service
// accounts in one directory. It is safe for concurrent use.
type Provisioner struct {
	dir  directory.Directory
	opts Options
}

// New returns a Provisioner working on dir. opts may be nil.
func New(dir directory.Directory, opts *Options) *Provisioner {
	p := &Provisioner{dir: dir}
	if opts != nil {
		p.opts = *opts
	}
	o := &p.opts
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ReplicationTimeout <= 0 {
		o.ReplicationTimeout = 5 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = 5 * time.Second
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = o.PollInterval
	}
	if o.RetryTimeout <= 0 {
		o.RetryTimeout = 3 * time.Minute
	}
	if o.RollbackTimeout <= 0 {
		o.RollbackTimeout = 2 * time.Minute
	}
	if o.ReadBackTimeout <= 0 {
		o.ReadBackTimeout = 30 * time.Second
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return p
}
