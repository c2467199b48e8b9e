import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../src/core/single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('concurrent calls join the running operation', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let calls = 0;
    const operation = () => {
      calls += 1;
      return gate.promise;
    };

    const results = Array.from({ length: 20 }, () => flight.run('reset', operation));
    expect(flight.running).toBe('reset');
    gate.resolve('up');

    expect(await Promise.all(results)).toEqual(Array(20).fill('up'));
    expect(calls).toBe(1);
  });

  it('joined call keeps the first kind', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    const first = flight.run('start', () => gate.promise);
    const second = flight.run('reset', () => Promise.resolve('other'));

    expect(flight.running).toBe('start');
    gate.resolve('started');
    expect(await second).toBe('started');
    expect(await first).toBe('started');
  });

  it('failure is shared and then cleared', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    const first = flight.run('reset', () => gate.promise);
    const second = flight.run('reset', () => Promise.resolve('unused'));
    gate.reject(new Error('start timed out'));

    await expect(first).rejects.toThrow('start timed out');
    await expect(second).rejects.toThrow('start timed out');
    expect(flight.running).toBeNull();
    expect(await flight.run('reset', () => Promise.resolve('again'))).toBe('again');
  });

  it('settle waits for the running operation', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    void flight.run('restart', () => gate.promise).catch(() => undefined);
    let settled = false;
    const waiting = flight.settle().then(() => (settled = true));

    await Promise.resolve();
    expect(settled).toBe(false);
    gate.reject(new Error('browser exited'));
    await waiting;
    expect(settled).toBe(true);
    expect(flight.running).toBeNull();
  });
});
