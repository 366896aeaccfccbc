/**
 * Room state in the element, against the real signaling server: raised
 * hands in one queue everywhere, what a late joiner sees (hands, chat
 * history), reactions shown and announced, the participants panel.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import type { MeetingRoomHandEvent, MeetingRoomReactionEvent } from '../../src/ui/events.js';
import type { MeetingRoom } from '../../src/ui/meeting-room.js';
import { joined, remoteTile } from './call-helpers.js';
import { meetingRoom, parts, uniqueRoom, until } from './helpers.js';

const part = (el: MeetingRoom, name: string) => parts(el, name)[0];

/** The queue as a tile shows it: for each member, the number in its hand badge (0: none). */
function tileQueue(el: MeetingRoom, members: MeetingRoom[]): number[] {
  return members.map((m) => {
    const tile = m === el ? part(el, 'local') : remoteTile(el, m);
    const hand = tile?.querySelector('[part~="hand"]');
    return hand ? Number(hand.textContent!.replace(/\D/g, '')) : 0;
  });
}

/**
 * The share of the pixels of an element (or a range of text), as drawn on screen, that are bright and saturated (a colour emoji's yellow face,
 * red heart, orange party popper), against a text font's one-colour outline of the same character.
 */
async function colourShare(drawn: Element | Range): Promise<number> {
  const { x, y, width, height } = drawn.getBoundingClientRect();
  const png = (await executeServerCommand('screenshot', { x, y, width, height })) as string;
  const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${png}`)).blob());
  const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  let coloured = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (Math.max(r, g, b) >= 180 && Math.max(r, g, b) - Math.min(r, g, b) >= 100) coloured++;
  }
  return coloured / (data.length / 4);
}

describe('raised hands', () => {
  it('raised in an order, the same queue shows everywhere, with events; a late joiner sees it too', async () => {
    const room = uniqueRoom('hands');
    const [ada, bob, cy] = (await joined(room, ['Ada', 'Bob', 'Cy'])) as [MeetingRoom, MeetingRoom, MeetingRoom];
    const members = [ada, bob, cy];
    const events: string[] = [];
    ada.addEventListener('meeting-room-hand', (e: MeetingRoomHandEvent) =>
      events.push(
        `${e.clientId === cy.clientId ? 'cy' : e.clientId === ada.clientId ? 'ada' : 'bob'}:${e.raised}:${e.position}`,
      ),
    );
    for (const raiser of [cy, ada, bob]) {
      part(raiser, 'hand-button')!.click();
      await until(
        () => members.every((m) => m.call!.hands.some((h) => h.clientId === raiser.clientId)),
        'everyone sees it',
      );
    }
    // Ada's queue: Cy 1, Ada 2, Bob 3; the same on every element.
    for (const el of members) {
      await until(() => tileQueue(el, members).join() === '2,3,1', `${el.name}'s tiles show the queue`);
    }
    expect(events).to.deep.equal(['cy:true:1', 'ada:true:2', 'bob:true:3']);
    expect(part(ada, 'hand-button')!.getAttribute('aria-pressed')).to.equal('true');

    const late = await meetingRoom(room, { name: 'Dee' });
    await late.join();
    await until(() => late.state === 'joined' && late.call!.participants.length === 3, 'Dee in');
    await until(() => tileQueue(late, members).join() === '2,3,1', "the late joiner's tiles show the same queue");

    // Cy lowers: everyone moves up.
    part(cy, 'hand-button')!.click();
    for (const el of [...members, late]) {
      await until(() => tileQueue(el, members).join() === '1,2,0', `${el.name}: the queue moved up`);
    }
    expect(events.at(-1)).to.equal('cy:false:0');
    expect(part(cy, 'hand-button')!.getAttribute('aria-pressed')).to.equal('false');
  });
});

describe('chat history', () => {
  it('a late joiner sees earlier messages with their times, marked earlier, not counted as unread', async () => {
    const room = uniqueRoom('history');
    const [ada, bob] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    ada.sendChat('first');
    bob.sendChat('second');
    await until(() => ada.call!.chat.length === 2, 'both lines sent');
    const late = await meetingRoom(room, { name: 'Cy' });
    await late.join();
    await until(() => late.call?.chat.length === 2, 'the history arrived');
    expect(parts(late, 'unread-badge').length, 'history is not unread').to.equal(0);
    ada.sendChat('third');
    await until(() => part(late, 'unread-badge')?.textContent === '1', 'a new line is unread');
    part(late, 'chat-button')!.click();
    await until(() => parts(late, 'message').length === 3, 'three lines shown');
    const shown = parts(late, 'message').map((m) => ({
      earlier: m.part.contains('earlier'),
      text: m.querySelector('[part~="message-text"]')!.textContent,
      time: m.querySelector('time')!.getAttribute('datetime'),
    }));
    expect(shown.map((m) => `${m.earlier}:${m.text}`)).to.deep.equal(['true:first', 'true:second', 'false:third']);
    expect(shown.every((m) => m.time && !Number.isNaN(Date.parse(m.time)))).to.equal(true);
    expect(part(late, 'earlier-label')!.textContent).to.contain('Earlier messages');
  });
});

describe('reactions', () => {
  it('float over the sender tile everywhere, are announced (batched) and fire events', async () => {
    const room = uniqueRoom('reactions');
    const [ada, bob] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    const events: string[] = [];
    bob.addEventListener('meeting-room-reaction', (e: MeetingRoomReactionEvent) => events.push(e.emoji));
    part(ada, 'reaction-button')!.click();
    await until(() => part(ada, 'reaction-menu'), 'the reaction menu');
    await expect(ada).to.be.accessible();
    const clap = parts(ada, 'reaction').find((b) => b.textContent!.trim() === '👏')!;
    clap.click();
    await ada.updateComplete;
    expect(parts(ada, 'reaction-menu').length, 'the menu closes').to.equal(0);
    expect(ada.react('🎉')).to.equal(true);
    expect(ada.react('💩' as '👍'), 'not in the set: not sent').to.equal(false);
    await until(
      () => remoteTile(bob, ada)?.querySelector('[part~="reaction-float"]')?.textContent === '🎉',
      "the latest reaction over Ada's tile at Bob's",
    );
    await until(() => part(ada, 'local')?.querySelector('[part~="reaction-float"]'), "and over Ada's own tile");
    const announcer = part(bob, 'announcer')!;
    expect(announcer.getAttribute('role')).to.equal('status');
    await until(() => announcer.textContent!.includes('👏'), 'announced');
    expect(announcer.textContent, 'both in one announcement').to.equal('Ada: 👏. Ada: 🎉');
    expect(events).to.deep.equal(['👏', '🎉']);
    await until(() => !remoteTile(bob, ada)?.querySelector('[part~="reaction-float"]'), 'gone after a while', 5000);
  });

  it('emoji are drawn in colour in the menu, over a tile and in the chat, while a text-style heart stays text', async () => {
    // Debian's DejaVu Sans has one-colour outlines of the faces (😂 😮): as the element's text font it drew them.
    await emulateMedia({ reducedMotion: 'reduce' }); // the floating one stays in place at full opacity
    try {
      const [ada] = (await joined(uniqueRoom('emoji'), ['Ada'])) as [MeetingRoom];
      part(ada, 'reaction-button')!.click();
      await until(() => part(ada, 'reaction-menu'), 'the reaction menu');
      const shares: Record<string, number> = {};
      for (const button of parts(ada, 'reaction')) shares[button.textContent!.trim()] = await colourShare(button);
      ada.react('😮');
      const float = await until(() => part(ada, 'local')?.querySelector('[part~="reaction-float"]'), 'the float');
      shares['😮 over the tile'] = await colourShare(float);
      ada.sendChat('😂');
      ada.sendChat('1 \u2764');
      part(ada, 'chat-button')!.click();
      await until(() => parts(ada, 'message-text').length === 2, 'both lines in the chat');
      // The text itself, not the line's whole width.
      const [face, text] = parts(ada, 'message-text').map((line) => {
        const range = document.createRange();
        range.selectNodeContents(line);
        return range;
      }) as [Range, Range];
      shares['😂 in the chat'] = await colourShare(face);
      const plain = await colourShare(text);
      console.log(`[look] coloured share of each: ${JSON.stringify(shares)}; "1 ❤" (text style) in the chat: ${plain}`);
      expect(Object.keys(shares)).to.have.length(10);
      for (const [emoji, share] of Object.entries(shares)) expect(share, `${emoji} in colour`).to.be.above(0.05);
      // ❤ without U+FE0F is text style in Unicode (an emoji picker sends ❤️): forcing emoji on everything draws it red.
      expect(plain, 'a text-style heart stays text').to.equal(0);
    } finally {
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });
});

describe('participants panel', () => {
  it('lists everyone, us first, with media, link and hand; the name of the button gives the count; accessible', async () => {
    const room = uniqueRoom('people');
    const [ada, bob] = (await joined(room, ['Ada', 'Bob'])) as [MeetingRoom, MeetingRoom];
    bob.setMicrophone(false);
    bob.raiseHand();
    await until(() => ada.call!.participants[0]?.quality && ada.call!.hands.length === 1, 'quality and hand');
    const button = part(ada, 'participants-button')!;
    expect(button.getAttribute('aria-label')).to.equal('Participants (2)');
    button.click();
    await until(() => parts(ada, 'participant').length === 2, 'two listed');
    const rows = parts(ada, 'participant');
    expect(rows[0]!.part.contains('local')).to.equal(true);
    expect(rows[0]!.textContent).to.contain('Ada (you)');
    expect(rows[1]!.textContent).to.contain('Bob');
    await until(() => rows[1]!.textContent!.includes('Muted'), "Bob's microphone");
    expect(rows[1]!.textContent).to.match(/Direct · (Good|Fair|Poor)/);
    expect(rows[1]!.querySelector('[part~="hand"]')!.getAttribute('aria-label')).to.equal(
      'Hand raised, number 1 in line',
    );
    expect(parts(ada, 'lower-hand-button'), 'not a host').to.have.length(0);
    await expect(ada).to.be.accessible();
  });

  it("a host's token shows a button to lower someone else's hand", async () => {
    const room = uniqueRoom('host');
    // The element reads the role to show the control; the server, with a secret, verifies it (server tests).
    const payload = btoa(JSON.stringify({ room, role: 'host' })).replace(/=+$/, '');
    const [bob] = await joined(room, ['Bob']);
    const host = await meetingRoom(room, { name: 'Hana', token: `e30.${payload}.sig` });
    await host.join();
    await until(() => host.state === 'joined', 'the host joined');
    bob!.raiseHand();
    await until(() => host.call!.hands.length === 1, 'the hand at the host');
    part(host, 'participants-button')!.click();
    await until(() => part(host, 'lower-hand-button'), 'the lower-hand control');
    expect(part(host, 'lower-hand-button')!.textContent!.trim()).to.equal("Lower Bob's hand");
  });
});
