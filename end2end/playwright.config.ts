import { defineConfig, devices } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import { cameraVideo, smallVideo } from './tests/rooms';

// The server binary and site are built by `scripts/test` (through `cargo xtask build`),
// which passes their paths here. The suite gets its own port and a fresh SQLite file.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const serverBin = process.env.E2E_SERVER_BIN ?? '../target/debug/server';
const siteRoot = process.env.E2E_SITE_ROOT ?? '../target/site/debug';
const dataDir = path.join(os.tmpdir(), `rph-e2e-${port}`);

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

const desktop = { ...devices['Desktop Chrome'], launchOptions: chromium };
// Video rooms: a fake camera (a tiny file, so several pages fit on two cores) and
// microphone, with permission granted, so WebRTC runs for real on loopback.
const video = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    ...chromium,
    args: [
      ...chromium.args,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${smallVideo()}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
};
// The same with a camera large enough for Chromium to send two simulcast layers.
const simulcast = {
  ...video,
  launchOptions: {
    ...video.launchOptions,
    args: [
      ...video.launchOptions.args.filter((arg) => !arg.startsWith('--use-file-for-fake-video-capture')),
      `--use-file-for-fake-video-capture=${cameraVideo(480, 270)}`,
    ],
  },
};
const phone = { ...devices['Pixel 7'], launchOptions: chromium };

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // The whole phase; on a slow two-core machine the SQLite phase alone took 12–15
  // minutes with nothing failing, so 15 cut it short (the last test "did not run").
  globalTimeout: 25 * 60_000,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // One retry: a test that fails twice fails the run. Playwright reports a test that
  // passed only on its retry as "flaky", and scripts/test prints that count.
  retries: 1,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'nb-NO',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'no-js-desktop', use: { ...desktop, javaScriptEnabled: false }, testIgnore: /(video|simulcast)\.spec/ },
    { name: 'no-js-phone', use: { ...phone, javaScriptEnabled: false }, testIgnore: /(video|simulcast)\.spec/ },
    { name: 'hydrated-desktop', use: { ...desktop }, testIgnore: /(video|simulcast)\.spec/ },
    { name: 'hydrated-phone', use: { ...phone }, testIgnore: /(video|simulcast)\.spec/ },
    // The two video tests run one after the other: the room test counts the SFU's peer
    // connections and rooms (/healthz), which are the server's, not the room's, so a
    // course session running beside it was counted too (4 peers where its room had 3).
    { name: 'video', use: { ...video }, testMatch: /rooms-video\.spec/ },
    { name: 'video-course', use: { ...video }, testMatch: /course-video\.spec/, dependencies: ['video'] },
    { name: 'video-simulcast', use: { ...simulcast }, testMatch: /rooms-simulcast\.spec/, dependencies: ['video-course'] },
  ],
  webServer: {
    command: `rm -rf "${dataDir}" && mkdir -p "${dataDir}" && exec "${serverBin}"`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      APP_ENV: 'development',
      RPH_BIND: `127.0.0.1:${port}`,
      RPH_SITE_ROOT: siteRoot,
      // SQLite by default; scripts/test runs the suite again on PostgreSQL.
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? `sqlite://${dataDir}/rph.sqlite3`,
      RPH_OUTBOX_DIR: `${dataDir}/outbox`,
      RPH_ACCESS_LOG_CHECKPOINTS: `${dataDir}/access-log-checkpoints`,
      RUST_LOG: process.env.E2E_RUST_LOG ?? 'warn',
    },
  },
});
