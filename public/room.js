// The live part of a video room: camera preview, the WebRTC connection to the
// service's own SFU, the tiles, and the host's controls. The server renders the
// frame (app/src/pages/rooms/room.rs); this script fills it once the page has
// hydrated. Signalling is JSON over the room's WebSocket; the browser offers once,
// and every later offer comes from the server.

const root = document.getElementById('room');

if (root) {
  whenHydrated(() => start(root));
}

function whenHydrated(run) {
  const html = document.documentElement;
  if (html.dataset.hydrated === 'true') return run();
  const observer = new MutationObserver(() => {
    if (html.dataset.hydrated === 'true') {
      observer.disconnect();
      run();
    }
  });
  observer.observe(html, { attributes: true, attributeFilter: ['data-hydrated'] });
}

function start(root) {
  const texts = JSON.parse(root.dataset.texts || '{}');
  const say = (key, name) => (texts[key] || key).replace('{name}', name || '');
  const code = root.dataset.code;
  const isHost = root.dataset.host === 'true';
  const $ = (id) => document.getElementById(id);
  const status = $('room-status');
  const preview = $('room-preview');
  const cameraSelect = $('room-camera');
  const micSelect = $('room-microphone');

  const state = {
    socket: null,
    pc: null,
    local: null, // MediaStream from the camera and microphone
    you: null,
    members: [],
    lobby: [],
    locked: false,
    audioOnly: false,
    camera: true,
    microphone: true,
    streams: new Map(), // participant id -> MediaStream
    trackOwner: new Map(), // remote track id -> participant id
    lastLoss: new Map(),
    quality: new Map(),
    audio: null,
    meters: new Map(),
    gone: false,
  };
  // Tests read the connection's statistics through this.
  window.rphRoom = state;

  $('room-needs-js').hidden = true;
  $('room-join').hidden = false;

  function announce(text) {
    status.textContent = '';
    // A fresh text node makes screen readers read it even when it repeats.
    window.setTimeout(() => { status.textContent = text; }, 30);
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (key === 'onclick') node.addEventListener('click', value);
      else if (value === true) node.setAttribute(key, '');
      else if (value !== false && value != null) node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child != null) node.append(child);
    }
    return node;
  }

  /** Replaces a node's children, leaving out the absent ones. */
  function put(node, ...children) {
    node.replaceChildren(...children.filter((child) => child != null));
  }

  // ---- Devices and the preview ----

  async function openDevices() {
    const audioOnly = $('room-audio-only').checked;
    const constraints = {
      audio: micSelect.value ? { deviceId: { exact: micSelect.value } } : true,
      video: audioOnly ? false : {
        width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15, max: 24 },
        ...(cameraSelect.value ? { deviceId: { exact: cameraSelect.value } } : {}),
      },
    };
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      if (state.local) state.local.getTracks().forEach((t) => t.stop());
      state.local = stream;
      preview.srcObject = stream;
      await listDevices();
      return stream;
    } catch (error) {
      announce(say('noDevices'));
      return null;
    }
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    fill(cameraSelect, devices.filter((d) => d.kind === 'videoinput'), state.local?.getVideoTracks()[0]);
    fill(micSelect, devices.filter((d) => d.kind === 'audioinput'), state.local?.getAudioTracks()[0]);
  }

  function fill(select, devices, track) {
    const current = track?.getSettings().deviceId || select.value;
    select.replaceChildren(...devices.map((d, i) =>
      el('option', { value: d.deviceId, selected: d.deviceId === current }, d.label || `${i + 1}`)));
  }

  async function switchDevice() {
    const stream = await openDevices();
    if (!stream || !state.pc) return;
    for (const sender of state.pc.getSenders()) {
      if (!sender.track && !sender._kind) continue;
      const kind = sender.track?.kind || sender._kind;
      const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      if (track) {
        track.enabled = kind === 'audio' ? state.microphone : state.camera;
        await sender.replaceTrack(state.audioOnly && kind === 'video' ? null : track);
      }
    }
    renderTiles();
  }

  cameraSelect.addEventListener('change', switchDevice);
  micSelect.addEventListener('change', switchDevice);
  $('room-audio-only').addEventListener('change', () => openDevices());
  openDevices();

  // ---- Joining ----

  $('room-join-form').addEventListener('submit', (event) => {
    event.preventDefault();
    join();
  });

  function join() {
    state.gone = false;
    state.audioOnly = $('room-audio-only').checked;
    // Created on the click, so the browser lets it run (speaking indicators).
    try { state.audio = state.audio || new AudioContext(); } catch (_) { state.audio = null; }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/rooms/${encodeURIComponent(code)}/socket`);
    state.socket = socket;
    $('room-join-button').disabled = true;
    announce(say('connecting'));
    socket.addEventListener('open', () => {
      send({ type: 'hello', name: $('room-name').value, audio_only: state.audioOnly });
    });
    socket.addEventListener('message', (event) => handle(JSON.parse(event.data)));
    socket.addEventListener('close', () => {
      if (!state.gone) goodbye('dropped');
    });
  }

  function send(message) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(message));
    }
  }

  async function handle(message) {
    switch (message.type) {
      case 'lobby':
        state.you = message.you;
        $('room-join').hidden = true;
        $('room-waiting').hidden = false;
        status.textContent = '';
        $('room-waiting').replaceChildren(el('p', { class: 'notice', role: 'status' }, say('waiting')));
        break;
      case 'admitted':
        state.you = message.you;
        await connect(message);
        break;
      case 'roster':
        roster(message);
        break;
      case 'answer':
        await state.pc?.setRemoteDescription({ type: 'answer', sdp: message.sdp });
        break;
      case 'offer':
        if (!state.pc) break;
        await state.pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
        await state.pc.setLocalDescription(await state.pc.createAnswer());
        send({ type: 'answer', sdp: state.pc.localDescription.sdp });
        break;
      case 'candidate':
        await state.pc?.addIceCandidate(message.candidate);
        break;
      case 'mute_request':
        setMicrophone(false);
        announce(say('muteRequest'));
        break;
      case 'video_quality': {
        // The SFU found this connection weak (smaller pictures, or sound only), or
        // better again.
        const weak = $('room-weak');
        const text = { paused: 'videoPaused', low: 'videoLow', full: 'videoResumed' }[message.quality];
        weak.textContent = say(text);
        weak.hidden = message.quality === 'full';
        announce(say(text));
        break;
      }
      case 'goodbye':
        goodbye(message.reason);
        break;
      case 'refused':
        announce(say('refused'));
        break;
    }
  }

  async function connect(message) {
    $('room-join').hidden = true;
    $('room-waiting').hidden = true;
    $('room-call').hidden = false;
    const pc = new RTCPeerConnection({
      iceServers: message.ice_servers,
      iceTransportPolicy: message.ice_policy === 'relay' ? 'relay' : 'all',
    });
    state.pc = pc;
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate) send({ type: 'candidate', candidate: event.candidate.toJSON() });
    });
    pc.addEventListener('track', (event) => {
      const stream = event.streams[0];
      if (!stream) return;
      const owner = Number(stream.id.replace(/^p/, ''));
      state.trackOwner.set(event.track.id, owner);
      let known = state.streams.get(owner);
      if (!known) {
        known = new MediaStream();
        state.streams.set(owner, known);
      }
      known.addTrack(event.track);
      event.track.addEventListener('ended', () => known.removeTrack(event.track));
      stream.addEventListener('removetrack', (e) => known.removeTrack(e.track));
      renderTiles();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') goodbye('dropped');
      // "Connecting …" is done: the tiles show who is here.
      if (pc.connectionState === 'connected' && status.textContent === say('connecting')) status.textContent = '';
    });
    const local = state.local || (await openDevices());
    const audio = local?.getAudioTracks()[0];
    const video = local?.getVideoTracks()[0];
    // One audio and one video sender, always: audio only and device changes replace
    // tracks instead of renegotiating.
    pc.addTransceiver(audio || 'audio', { direction: 'sendrecv', streams: local ? [local] : [] });
    // A camera of 480 × 270 or more (either way up) goes out in two simulcast layers, a quarter-size
    // picture and the full one: the SFU sends each person the one their connection can
    // take. (Chromium sends only the first layer of a smaller camera, so a small one
    // goes out whole, in one.)
    const { width = 0, height = 0 } = video?.getSettings() ?? {};
    const init = { direction: 'sendrecv', streams: local ? [local] : [] };
    if (Math.max(width, height) >= 480) {
      init.sendEncodings = [
        { rid: 'low', scaleResolutionDownBy: 2, maxBitrate: 120000 },
        { rid: 'high', maxBitrate: 600000 },
      ];
    }
    const videoTransceiver = pc.addTransceiver(video && !state.audioOnly ? video : 'video', init);
    videoTransceiver.sender._kind = 'video';
    for (const t of pc.getTransceivers()) if (!t.sender._kind) t.sender._kind = 'audio';
    await pc.setLocalDescription(await pc.createOffer());
    send({ type: 'offer', sdp: pc.localDescription.sdp });
    renderControls();
    renderTiles();
    window.setInterval(measure, 2000);
  }

  // ---- The roster, the tiles and the host's panel ----

  function roster(message) {
    const before = new Map(state.members.map((m) => [m.id, m]));
    const lobbyBefore = new Set(state.lobby.map((w) => w.id));
    state.members = message.members;
    state.lobby = message.lobby;
    state.locked = message.locked;
    for (const member of state.members) {
      if (!before.has(member.id) && member.id !== state.you && before.size > 0) {
        announce(say('joined', member.name));
      }
    }
    for (const [id, member] of before) {
      if (!state.members.some((m) => m.id === id)) {
        state.streams.delete(id);
        announce(say('left', member.name));
      }
    }
    for (const waiting of state.lobby) {
      if (!lobbyBefore.has(waiting.id)) announce(say('knocked', waiting.name));
    }
    renderTiles();
    renderHost();
  }

  function renderTiles() {
    const list = $('room-tiles');
    const existing = new Map([...list.children].map((li) => [Number(li.dataset.participant), li]));
    const members = state.members.length ? state.members : [{ id: state.you, name: $('room-name').value, camera: true, microphone: true }];
    for (const member of members) {
      let tile = existing.get(member.id);
      existing.delete(member.id);
      if (!tile) {
        tile = el('li', { class: 'tile', 'data-participant': member.id });
        const video = el('video', { autoplay: true, playsinline: true });
        tile.append(video, el('p', { class: 'tile-name' }), el('p', { class: 'tile-state' }));
        list.append(tile);
      }
      const mine = member.id === state.you;
      const video = tile.querySelector('video');
      const stream = mine ? state.local : state.streams.get(member.id);
      if (video.srcObject !== stream) {
        video.srcObject = stream || null;
        video.muted = mine;
        if (!mine && stream) meter(member.id, stream);
      }
      const name = mine ? say('you', member.name) : member.name;
      video.setAttribute('aria-label', name);
      tile.querySelector('.tile-name').textContent = name;
      const notes = [];
      if (member.host) notes.push(say('host'));
      if (!member.microphone) notes.push(say('muted'));
      if (!member.camera || member.audio_only) notes.push(say('cameraIsOff'));
      if (!mine && state.quality.has(member.id)) notes.push(say(state.quality.get(member.id)));
      tile.querySelector('.tile-state').textContent = notes.join(' · ');
      tile.dataset.quality = state.quality.get(member.id) || '';
      tile.classList.toggle('no-video', !stream || stream.getVideoTracks().length === 0 || !member.camera);
      if (isHost && !mine) {
        let actions = tile.querySelector('.tile-actions');
        if (!actions) {
          actions = el('div', { class: 'tile-actions' },
            el('button', { type: 'button', class: 'button secondary small', onclick: () => send({ type: 'ask_mute', id: member.id }) }, say('askMute', member.name)),
            el('button', { type: 'button', class: 'button secondary small', onclick: () => {
              if (window.confirm(say('removeConfirm', member.name))) send({ type: 'remove', id: member.id });
            } }, say('remove', member.name)));
          tile.append(actions);
        }
      }
    }
    for (const tile of existing.values()) tile.remove();
  }

  function renderHost() {
    if (!isHost) return;
    const panel = $('room-host');
    panel.hidden = false;
    const items = state.lobby.map((w) => el('li', {},
      el('span', {}, w.name),
      w.enrolled === undefined ? null : el('span', { class: w.enrolled ? 'tag' : 'tag warn' }, say(w.enrolled ? 'enrolled' : 'notEnrolled')),
      el('span', { class: 'muted' }, say('since').replace('{time}', clock(w.since))),
      el('button', { type: 'button', class: 'button small', onclick: () => send({ type: 'admit', id: w.id }) }, say('admit', w.name)),
      el('button', { type: 'button', class: 'button secondary small', onclick: () => send({ type: 'deny', id: w.id }) }, say('deny', w.name))));
    put(panel,
      el('h2', { id: 'room-lobby-heading' }, `${say('lobby')} (${state.lobby.length})`),
      state.lobby.length ? el('ul', { class: 'lobby', 'aria-labelledby': 'room-lobby-heading' }, ...items) : el('p', {}, say('lobbyEmpty')),
      state.lobby.some((w) => w.enrolled === true) ? el('p', { class: 'actions' },
        el('button', { type: 'button', class: 'button', onclick: () => send({ type: 'admit_enrolled' }) }, say('admitEnrolled'))) : null,
      state.lobby.length > 1 ? el('p', { class: 'actions' },
        el('button', { type: 'button', class: 'button', onclick: () => send({ type: 'admit_all' }) }, say('admitAll')),
        el('button', { type: 'button', class: 'button secondary', onclick: () => send({ type: 'deny_all' }) }, say('denyAll'))) : null,
      el('p', { class: 'actions' },
        el('button', { type: 'button', class: 'button secondary', 'aria-pressed': String(state.locked), onclick: () => send({ type: 'lock', locked: !state.locked }) }, state.locked ? say('unlock') : say('lock')),
        el('button', { type: 'button', class: 'button danger', onclick: () => {
          if (window.confirm(say('endConfirm'))) send({ type: 'end' });
        } }, say('end'))),
      state.locked ? el('p', { class: 'muted' }, say('lockedNote')) : null,
    );
  }

  function clock(unixSeconds) {
    return new Date(unixSeconds * 1000).toLocaleTimeString(document.documentElement.lang || undefined, { hour: '2-digit', minute: '2-digit' });
  }

  function renderControls() {
    const controls = $('room-controls');
    // The name stays; the pressed state says on or off (a screen reader says it once),
    // and the eye reads it from the word beside the name.
    const toggle = (id, pressed, name, action) =>
      el('button', { id, type: 'button', class: 'button secondary', 'aria-pressed': String(pressed), onclick: action },
        name, ' ', el('span', { class: 'toggle-state', 'aria-hidden': 'true' }, pressed ? say('on') : say('off')));
    controls.replaceChildren(
      el('h2', { class: 'visually-hidden' }, say('controls')),
      toggle('room-mic', state.microphone, say('mic'), () => setMicrophone(!state.microphone)),
      toggle('room-cam', state.camera, say('cam'), () => setCamera(!state.camera)),
      toggle('room-audio', state.audioOnly, say('audioOnly'), () => setAudioOnly(!state.audioOnly)),
      el('button', { id: 'room-leave', type: 'button', class: 'button danger', onclick: leave }, say('leave')),
      devicePicker(),
    );
  }

  // The camera and microphone menus of the join form move into the call, so devices
  // can be changed there too (replacing tracks, without renegotiating).
  function devicePicker() {
    const picker = el('details', { class: 'room-devices' }, el('summary', {}, say('settings')));
    for (const select of [cameraSelect, micSelect]) {
      const field = select.closest('.field');
      if (field) picker.append(field);
    }
    return picker;
  }

  function setMicrophone(on) {
    state.microphone = on;
    state.local?.getAudioTracks().forEach((t) => { t.enabled = on; });
    send({ type: 'media', camera: state.camera, microphone: state.microphone });
    renderControls();
  }

  function setCamera(on) {
    state.camera = on;
    state.local?.getVideoTracks().forEach((t) => { t.enabled = on; });
    send({ type: 'media', camera: state.camera, microphone: state.microphone });
    renderControls();
  }

  async function setAudioOnly(on) {
    state.audioOnly = on;
    $('room-audio-only').checked = on;
    send({ type: 'audio_only', on });
    const sender = state.pc?.getSenders().find((s) => s._kind === 'video');
    if (sender) {
      if (on) {
        await sender.replaceTrack(null);
        state.local?.getVideoTracks().forEach((t) => t.stop());
      } else {
        const stream = await openDevices();
        const video = stream?.getVideoTracks()[0];
        if (video) {
          video.enabled = state.camera;
          await sender.replaceTrack(video);
        }
      }
    }
    renderControls();
    renderTiles();
  }

  // ---- Speaking and connection quality ----

  function meter(id, stream) {
    if (!state.audio || stream.getAudioTracks().length === 0 || state.meters.has(id)) return;
    const source = state.audio.createMediaStreamSource(stream);
    const analyser = state.audio.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getByteTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += (s - 128) * (s - 128);
      const speaking = Math.sqrt(sum / samples.length) > 6;
      const tile = document.querySelector(`.tile[data-participant="${id}"]`);
      if (!tile) {
        window.clearInterval(timer);
        state.meters.delete(id);
        return;
      }
      tile.classList.toggle('speaking', speaking);
    }, 250);
    state.meters.set(id, timer);
  }

  async function measure() {
    if (!state.pc || state.gone) return;
    const report = await state.pc.getStats();
    const loss = new Map();
    report.forEach((entry) => {
      if (entry.type !== 'inbound-rtp') return;
      const owner = state.trackOwner.get(entry.trackIdentifier);
      if (owner == null) return;
      const sum = loss.get(owner) || { lost: 0, received: 0 };
      sum.lost += entry.packetsLost || 0;
      sum.received += entry.packetsReceived || 0;
      loss.set(owner, sum);
    });
    for (const [owner, now] of loss) {
      const then = state.lastLoss.get(owner) || { lost: 0, received: 0 };
      const lost = now.lost - then.lost;
      const total = lost + now.received - then.received;
      const share = total > 0 ? lost / total : 0;
      state.quality.set(owner, share > 0.1 ? 'qualityPoor' : share > 0.02 ? 'qualityFair' : 'qualityGood');
      state.lastLoss.set(owner, now);
    }
    renderTiles();
  }

  // ---- Leaving ----

  function leave() {
    send({ type: 'leave' });
    goodbye('left');
  }

  function goodbye(reason) {
    if (state.gone) return;
    state.gone = true;
    state.pc?.close();
    state.pc = null;
    state.socket?.close();
    state.local?.getTracks().forEach((t) => t.stop());
    state.local = null;
    for (const timer of state.meters.values()) window.clearInterval(timer);
    state.meters.clear();
    state.streams.clear();
    state.members = [];
    state.lobby = [];
    $('room-tiles').replaceChildren();
    $('room-call').hidden = true;
    $('room-waiting').hidden = true;
    $('room-join').hidden = true;
    const key = { denied: 'goneDenied', removed: 'goneRemoved', ended: 'goneEnded', locked: 'goneLocked',
      replaced: 'goneReplaced', dropped: 'goneDropped', left: 'goneLeft' }[reason] || 'goneDropped';
    const gone = $('room-gone');
    gone.hidden = false;
    const again = ['dropped', 'left', 'replaced'].includes(reason)
      ? el('p', {}, el('a', { class: 'button', href: location.pathname, rel: 'external' }, say('rejoin')))
      : null;
    status.textContent = '';
    put(gone, el('p', { class: 'notice', role: 'status' }, say(key)), again);
  }

  // Leaving the page (or the app navigating away) leaves the room.
  window.addEventListener('pagehide', () => { if (!state.gone && state.socket) leave(); });
  const watcher = window.setInterval(() => {
    if (!document.body.contains(root)) {
      window.clearInterval(watcher);
      if (!state.gone && state.socket) leave();
    }
  }, 1000);
}
