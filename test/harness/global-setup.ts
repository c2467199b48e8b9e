// Global setup of the test run; the private dockerd is added here.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
