// The social layer in Chromium: Bob follows Ann and comments on her work;
// Ann, on the same work's page, sees the badge of her bell and the comment
// arrive without reloading; then the notifications, a reply, tags, search
// and the Following tab, on a desktop and on a phone.
import { expect, test } from 'vitest';
import { startServer } from '../helpers/server.ts';
import { realWork } from './helpers/work-fixtures.ts';
import { describeInBrowser, newPerson, PHONE, phonePerson, shot, unnamedControls, whoAmI } from './helpers/browser.ts';

describeInBrowser('the social layer', (browser) => {
  test('one follows and comments, the other sees the badge and the comment arrive without reloading', async () => {
    const atelier = await startServer({ GALLERY_CACHE_MS: '0' });
    const ann = await newPerson(browser(), atelier.url);
    const bob = await newPerson(browser(), atelier.url);
    await ann.page.goto('/');
    await bob.page.goto('/');
    await ann.page.locator('user-menu .name').filter({ hasNotText: '…' }).waitFor();
    await bob.page.locator('user-menu .name').filter({ hasNotText: '…' }).waitFor();
    const annUser = await whoAmI(ann);
    const bobUser = await whoAmI(bob);
    const work = await realWork(atelier, annUser);

    // Ann looks at her work; no notifications yet.
    await ann.page.goto(`/g/${work.id}`);
    await ann.page.getByText('No comments yet').waitFor();
    await ann.page.locator('notification-bell').waitFor();
    expect(await ann.page.locator('notification-bell .badge').count()).toBe(0);

    // Bob opens the same work, follows Ann and comments.
    await bob.page.goto(`/g/${work.id}`);
    await bob.page.getByRole('button', { name: `Follow ${annUser.name}` }).click();
    await bob.page.getByRole('button', { name: `Unfollow ${annUser.name}` }).waitFor();
    await bob.page.locator('comment-section textarea').first().fill('The light on the water <b>is</b> perfect');
    await bob.page.getByRole('button', { name: 'Comment' }).click();
    await bob.page.locator('comment-section .body', { hasText: 'The light on the water <b>is</b> perfect' }).waitFor();
    await shot(bob.page, 'social-01-bob-follows-and-comments');

    // Ann sees both without reloading: the comment under the work, the badge on the bell.
    await ann.page.locator('comment-section .body', { hasText: 'The light on the water <b>is</b> perfect' }).waitFor();
    await ann.page.locator('notification-bell .badge', { hasText: '2' }).waitFor();
    await shot(ann.page, 'social-02-ann-sees-it-live');
    await ann.page.getByRole('button', { name: /Notifications, 2 unread/ }).click();
    const panel = ann.page.locator('notification-bell .panel');
    await panel.getByText('followed you').waitFor();
    await panel.getByText('commented on your work').waitFor();
    await shot(ann.page, 'social-03-ann-notifications');
    expect(await ann.page.locator('notification-bell .badge').count()).toBe(0);
    expect(await unnamedControls(ann.page)).toEqual([]);
    await ann.page.keyboard.press('Escape');

    // Ann replies; Bob sees the reply arrive under his comment.
    await ann.page.locator('comment-section').getByRole('button', { name: 'Reply' }).click();
    await ann.page.locator('comment-section form.nested textarea').fill(`Thank you, ${bobUser.name}!`);
    await ann.page.locator('comment-section form.nested').getByRole('button', { name: 'Reply' }).click();
    await bob.page.locator('comment-section li.reply .body', { hasText: 'Thank you' }).waitFor();
    await bob.page.locator('notification-bell .badge', { hasText: '1' }).waitFor();

    // Bob's Following tab has Ann's work; the tag chip leads to the tag page; search finds it.
    await bob.page.goto('/');
    await bob.page.getByRole('button', { name: 'Following' }).click();
    await bob.page.locator(`work-card [data-work-id="${work.id}"]`).waitFor();
    await bob.page
      .getByRole('link', { name: /#lighthouse/ })
      .first()
      .click();
    await bob.page.waitForURL(/\/t\/lighthouse$/);
    await bob.page.locator('gallery-page h1', { hasText: '#lighthouse' }).waitFor();
    await bob.page.locator(`work-card [data-work-id="${work.id}"]`).waitFor();
    await bob.page.locator('#site-search').fill('lighth');
    await bob.page.locator('#site-search').press('Enter');
    await bob.page.waitForURL(/\/search\?q=lighth/);
    await bob.page.locator(`search-page work-card [data-work-id="${work.id}"]`).waitFor();
    await bob.page.getByRole('heading', { level: 1, name: 'Search: “lighth”' }).waitFor();
    await shot(bob.page, 'social-04-search');
    expect(ann.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  }, 120_000);

  test('on a phone: the work page with comments and the bell panel fit 390 × 844', async () => {
    const atelier = await startServer({ GALLERY_CACHE_MS: '0' });
    const ann = await phonePerson(browser(), atelier.url);
    await ann.page.goto('/');
    await ann.page.locator('user-menu .name').waitFor({ state: 'attached' });
    const annUser = await whoAmI(ann);
    const work = await realWork(atelier, annUser, { title: 'A harbour seen from the cliffs, late in the evening' });
    const http = atelier.url;
    const other = await (
      await fetch(`${http}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Cid"}' })
    ).json();
    await fetch(`${http}/api/works/${work.id}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ body: 'A long comment that has to wrap on a narrow screen without pushing anything sideways: '.repeat(3) }),
    });
    await ann.page.goto(`/g/${work.id}`);
    await ann.page.locator('comment-section .body').waitFor();
    const overflow = await ann.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await ann.page.locator('comment-section').scrollIntoViewIfNeeded();
    await shot(ann.page, 'social-05-phone-comments');
    await ann.page.locator('notification-bell .badge').waitFor();
    await ann.page.locator('notification-bell button.bell').tap();
    await ann.page.locator('notification-bell .panel').getByText('commented on your work').waitFor();
    const box = await ann.page.locator('notification-bell .panel').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await shot(ann.page, 'social-06-phone-bell');
    expect(ann.errors).toEqual([]);
  }, 60_000);
});
