import { describe, expect, it } from 'vitest';
import { AnnouncedGenerations } from '../../adapters/postgres/announced-generations.adapter.js';

describe('announced memory generations', () => {
  it('knows nothing until it listens, and forgets everything when the connection is lost', () => {
    const g = new AnnouncedGenerations();
    g.announce('10 acme');
    expect(g.known('acme')).toBeUndefined();
    g.connected();
    g.announce('12:0b7e3c1a-5d2f-4c8e-9a51-2f0d6c3b8e47 acme');
    g.announce('13: tenant with spaces');
    expect(g.known('acme')).toBe('12:0b7e3c1a-5d2f-4c8e-9a51-2f0d6c3b8e47');
    expect(g.known('tenant with spaces')).toBe('13:');
    g.disconnected();
    expect(g.known('acme')).toBeUndefined();
    g.connected();
    expect(g.known('acme')).toBeUndefined();
  });

  it('ignores payloads that are not `<position> <tenant>`', () => {
    const g = new AnnouncedGenerations();
    g.connected();
    for (const bad of ['', 'acme', ' acme', 'x1 acme', '-1 acme', '1:Z acme']) g.announce(bad);
    expect(g.known('acme')).toBeUndefined();
  });

  it('learns a database read only if nothing could have been missed since its ticket', () => {
    const g = new AnnouncedGenerations();
    expect(g.ticket()).toBe(-1);
    g.learn('acme', '5', -1); // not listening
    g.connected();
    expect(g.known('acme')).toBeUndefined();

    // an announcement during the read is newer than what the read saw
    let ticket = g.ticket();
    g.announce('9 acme');
    g.learn('acme', '7', ticket);
    expect(g.known('acme')).toBe('9');

    // the connection dropped and came back during the read: an announcement may be lost
    ticket = g.ticket();
    g.disconnected();
    g.connected();
    g.learn('beta', '3', ticket);
    expect(g.known('beta')).toBeUndefined();

    ticket = g.ticket();
    g.learn('beta', '3', ticket);
    expect(g.known('beta')).toBe('3');
  });
});
