import { html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { type Layer, ROOM_TITLE_MAX, ROOTS } from '../../shared/doc-schema.ts';
import { canEdit, type GenParams, type PublishWorkBody, type Work } from '../../shared/protocol.ts';
import { clipText } from '../../shared/text.ts';
import { describeError } from '../api/http.ts';
import { updateRoom, uploadImage } from '../api/rooms.ts';
import { navigate } from '../app/router.ts';
import { DocStateController } from '../controllers/doc-state-controller.ts';
import { emitWithAck, JobsController } from '../controllers/jobs-controller.ts';
import { PresenceController } from '../controllers/presence-controller.ts';
import { RoomConnection } from '../controllers/room-connection.ts';
import { UndoController } from '../controllers/undo-controller.ts';
import { addLayer, discardCandidate, fittedLayer, moveLayer, placeCandidate, removeLayer, updateLayer } from '../doc/layers.ts';
import { LOCAL_ORIGIN } from '../doc/local-origin.ts';
import { icons } from '../ui/icons.ts';
import { whenIdle } from '../ui/idle.ts';
import { MaskEditController } from '../mask/mask-edit-controller.ts';
import type { MaskEditRequest } from '../mask/mask-edit-controller.ts';
import '../mask/mask-toolbar.ts';
import { peekImage } from '../render/image-cache.ts';
import { roomPageStyles } from './room-page-styles.ts';
import '../app/user-menu.ts';
import '../social/notification-bell.ts';
import './canvas-preview.ts';
import { statusLabel } from './connection-banner.ts';
import { roomRefusal } from './room-refusal.ts';
import type { LayerMoveDetail, LayerUpdateDetail } from './layer-panel.ts';
import './layers-sidebar.ts';
import type { RoomNotice } from './layers-sidebar.ts';
import './participant-list.ts';
import './prompt-sidebar.ts';
import type { PublishDialog } from './publish-dialog.ts';
import './publish-dialog.ts';
import type { ShareDialog } from './share-dialog.ts';
import './share-dialog.ts';
import './edit-access.ts';

performance.mark('atelier:room-chunk');

/** The server's default MAX_UPLOAD_BYTES; the server has the last word. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** A room: the shared prompt, generation, the canvas and its layers, live. */
@customElement('room-page')
export class RoomPage extends LitElement {
  static override styles = roomPageStyles;

  @property() roomId = '';
  @property() invite: string | null = null;
  /** Opened from "Live now" (`?watch=1`): join as a viewer. */
  @property({ type: Boolean }) watch = false;
  @state() private selectedId: string | null = null;
  @state() private uploads: string[] = [];
  @state() private notice: RoomNotice | null = null;
  @state() private renaming = false;
  @query('share-dialog') private shareDialog!: ShareDialog;
  @query('publish-dialog') private publishDialog!: PublishDialog;
  #connection: RoomConnection | null = null;
  #docState!: DocStateController;
  #presence!: PresenceController;
  #undo!: UndoController;
  #jobs!: JobsController;
  #mask!: MaskEditController;

  override connectedCallback(): void {
    // CodeMirror is the larger half of this page's code: it loads beside the
    // room's connection instead of before it, and the editor appears when ready.
    if (!customElements.get('prompt-editor')) {
      // After the first idle moment (at most 300 ms): joining and the canvas's images go first.
      whenIdle(
        () =>
          void import('./prompt-editor.ts').then(
            () => this.requestUpdate(),
            (err: unknown) => (this.notice = { text: `The prompt editor could not load: ${describeError(err)}`, error: true }),
          ),
        300,
      );
    }
    if (!this.#connection) {
      this.#connection = new RoomConnection(this, {
        roomId: this.roomId,
        watch: this.watch,
        ...(this.invite ? { invite: this.invite } : {}),
      });
      this.#docState = new DocStateController(this, this.#connection);
      this.#presence = new PresenceController(this, this.#connection);
      this.#undo = new UndoController(this, this.#connection);
      this.#jobs = new JobsController(this, this.#connection);
      this.#mask = new MaskEditController(this);
    }
    super.connectedCallback();
  }

  get #editable(): boolean {
    const role = this.#connection?.role;
    return role != null && canEdit(role) && this.#connection?.status !== 'refused';
  }

  #doc() {
    return this.#connection?.setup?.doc ?? null;
  }

  #select(id: string | null): void {
    // A mask belongs to the layer it was painted on.
    if (this.#mask.session && this.#mask.session.layerId !== id) this.#mask.end();
    this.selectedId = id;
    this.#presence.selectLayer(id);
  }

  /** The live change in progress (a slider or a drag), which undoes as one step. */
  #liveChange: string | null = null;

  #onLayerUpdate(detail: LayerUpdateDetail): void {
    const doc = this.#doc();
    if (!doc || !this.#editable) return;
    const key = `${detail.id}:${Object.keys(detail.patch).sort().join()}`;
    if (this.#liveChange !== key) this.#undo.stopCapturing();
    updateLayer(doc, detail.id, detail.patch, LOCAL_ORIGIN);
    if (detail.final) this.#undo.stopCapturing();
    this.#liveChange = detail.final ? null : key;
  }

  #onLayerMove(detail: LayerMoveDetail): void {
    const doc = this.#doc();
    if (!doc || !this.#editable) return;
    this.#undo.stopCapturing();
    moveLayer(doc, detail.id, detail.toIndex, LOCAL_ORIGIN);
    this.#undo.stopCapturing();
  }

  #onLayerDelete(id: string): void {
    const doc = this.#doc();
    if (!doc || !this.#editable) return;
    this.#undo.stopCapturing();
    removeLayer(doc, id, LOCAL_ORIGIN);
    if (this.selectedId === id) this.#select(null);
  }

  #onPlace(id: string): void {
    const setup = this.#connection?.setup;
    if (!setup || !this.#editable) return;
    this.#undo.stopCapturing();
    const layerId = placeCandidate(setup.doc, id, this.#docState.meta, setup.me.id, LOCAL_ORIGIN);
    if (layerId) this.#select(layerId);
  }

  #onDiscard(id: string): void {
    const doc = this.#doc();
    if (!doc || !this.#editable) return;
    this.#undo.stopCapturing();
    discardCandidate(doc, id, LOCAL_ORIGIN);
  }

  async #upload(files: File[]): Promise<void> {
    const setup = this.#connection?.setup;
    if (!setup || !this.#editable) return;
    for (const file of files) {
      if (!file.type.startsWith('image/')) {
        this.notice = { text: `${file.name} is not an image.`, error: true };
        continue;
      }
      if (file.size > MAX_UPLOAD_BYTES) {
        this.notice = { text: `${file.name} is larger than 10 MB.`, error: true };
        continue;
      }
      this.uploads = [...this.uploads, file.name];
      try {
        const uploaded = await uploadImage(setup.roomId, file, this.invite);
        const name = file.name.replace(/\.[a-z0-9]+$/i, '') || 'Uploaded image';
        this.#undo.stopCapturing();
        const layer = fittedLayer(
          { name, src: uploaded.url, width: uploaded.width, height: uploaded.height, createdBy: setup.me.id },
          this.#docState.meta,
        );
        addLayer(setup.doc, layer, LOCAL_ORIGIN);
        this.#select(layer.id);
        this.notice = null;
      } catch (err) {
        this.notice = { text: `${file.name}: ${describeError(err)}`, error: true };
      } finally {
        this.uploads = this.uploads.filter((n) => n !== file.name);
      }
    }
  }

  #startRename(): void {
    this.renaming = true;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.title-input')?.select());
  }

  /** The owner renames the room: its record, and the document's title that everyone sees. */
  async #rename(value: string): Promise<void> {
    if (!this.renaming) return;
    this.renaming = false;
    const title = clipText(value.trim(), ROOM_TITLE_MAX);
    const setup = this.#connection?.setup;
    if (!title || !setup || title === this.#docState.meta.title) return;
    try {
      await updateRoom(setup.roomId, { title });
      // Not an undoable canvas change: no local origin.
      setup.doc.transact(() => setup.doc.getMap(ROOTS.meta).set('title', title));
    } catch (err) {
      this.notice = { text: describeError(err), error: true };
    }
  }

  #layer(id: string | null): Layer | undefined {
    const entry = this.#docState.layers.find((l) => l.id === id);
    return entry?.valid ? entry.layer : undefined;
  }

  /** Starts painting a mask over the selected layer, once its image is loaded. */
  #beginMask(): void {
    const layer = this.#layer(this.selectedId);
    const image = layer && peekImage(layer.src);
    if (!layer || !image) {
      this.notice = { text: 'Select a layer whose image has loaded to paint a mask over it.', error: true };
      return;
    }
    this.#mask.begin(layer.id, { width: image.width, height: image.height });
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('canvas-preview')?.focus());
  }

  #submitMask(request: MaskEditRequest): void {
    const setup = this.#connection?.setup;
    const layer = this.#layer(this.#mask.session?.layerId ?? null);
    if (!setup || !layer || !this.#editable) return;
    this.#undo.stopCapturing();
    const context = { roomId: setup.roomId, invite: this.invite, doc: setup.doc, userId: setup.me.id, layer, start: this.#startJob };
    void this.#mask.submit(request, context).then((started) => {
      if (started) this.notice = { text: `Editing ${layer.name}: the result will arrive among the generated images.`, error: false };
    });
  }

  #startJob = async (params: GenParams): Promise<string | null> => {
    const result = await this.#jobs.start(params);
    return result.ok ? null : result.error.message;
  };

  #cancelJob = async (jobId: string): Promise<string | null> => {
    const result = await this.#jobs.cancel(jobId);
    return result.ok ? null : result.error.message;
  };

  #publish = async (request: PublishWorkBody): Promise<string | null> => {
    const setup = this.#connection?.setup;
    if (!setup) return 'Not connected to the room.';
    const result = await emitWithAck<{ work: Work }>(
      (ack) => setup.socket.emit('work:publish', setup.roomId, request, ack),
      setup.socket.connected,
    );
    if (!result.ok) return result.error.message;
    navigate(`/g/${result.value.work.id}`);
    return null;
  };

  override render() {
    const connection = this.#connection;
    if (!connection) return nothing;
    if (connection.error && connection.status === 'refused') return roomRefusal(connection.error.code, connection.error.message);
    if (connection.error && !connection.setup) return roomRefusal(connection.error.code, connection.error.message);
    if (!connection.loaded) {
      return html`<div class="center-msg" role="status"><div class="spinner"></div>${connection.status === 'offline' ? 'Waiting for the connection…' : 'Joining the room…'}</div>`;
    }
    const { meta, layers, candidates, promptText } = this.#docState;
    const editable = this.#editable;
    // meta.title is live (the owner's renames reach everyone); the join's title is the fallback.
    const title = meta.title || connection.room?.title || 'Untitled room';
    document.title = `${title} — Atelier`;
    const setup = connection.setup;
    const others = this.#presence.participants;
    return html`
      <header>
        <a class="home" href="/" aria-label="Atelier gallery">${icons.sparkles}</a>
        <div class="title">
          ${
            this.renaming
              ? html`<input
                class="input title-input"
                aria-label="Room title"
                maxlength="120"
                .value=${title === 'Untitled room' ? '' : title}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Enter') void this.#rename((e.target as HTMLInputElement).value);
                  if (e.key === 'Escape') this.renaming = false;
                }}
                @blur=${(e: FocusEvent) => void this.#rename((e.target as HTMLInputElement).value)}
              />`
              : connection.role === 'owner'
                ? html`<h1><button class="title-button" title="Rename the room" @click=${() => this.#startRename()}>${title}</button></h1>`
                : html`<h1 title=${title}>${title}</h1>`
          }
          <span class="state" role="status" aria-live="polite">
            <span class="dot ${connection.status}"></span>${statusLabel(connection.status)}
            ${connection.role ? html`<span class="badge" data-role=${connection.role}>${editable ? (connection.role === 'owner' ? 'Owner' : 'Editor') : 'View only'}</span>` : nothing}
            ${connection.room?.remixOf ? html`<a class="origin" href="/g/${connection.room.remixOf}">a remix</a>` : nothing}
          </span>
        </div>
        <participant-list .participants=${others}></participant-list>
        <span class="spacer"></span>
        <div class="tools">
          <button class="icon-btn" aria-label="Undo" title="Undo (Ctrl+Z)" ?disabled=${!editable || !this.#undo.canUndo} @click=${() => this.#undo.undo()}>${icons.undo}</button>
          <button class="icon-btn" aria-label="Redo" title="Redo (Shift+Ctrl+Z)" ?disabled=${!editable || !this.#undo.canRedo} @click=${() => this.#undo.redo()}>${icons.redo}</button>
          <button class="btn" aria-label="Share" @click=${() => void this.shareDialog.open()}>${icons.share}<span class="hide-narrow">Share</span></button>
          <button class="btn primary" aria-label="Publish" ?disabled=${!editable} @click=${() => this.publishDialog.open()}>${icons.send}<span class="publish-label">Publish</span></button>
          <notification-bell></notification-bell>
          <user-menu compact></user-menu>
        </div>
      </header>
      <connection-banner .status=${connection.status} ?wasSynced=${connection.loaded}></connection-banner>
      <edit-access .connection=${connection} .userRole=${connection.role} .requests=${connection.editRequests} .granted=${connection.granted}></edit-access>
      <div
        class="workspace"
        @layer-select=${(e: CustomEvent<{ id: string | null }>) => this.#select(e.detail.id)}
        @layer-update=${(e: CustomEvent<LayerUpdateDetail>) => this.#onLayerUpdate(e.detail)}
        @layer-delete=${(e: CustomEvent<{ id: string }>) => this.#onLayerDelete(e.detail.id)}
      >
        <aside class="left" aria-label="Prompt and generation">
          <prompt-sidebar
            .doc=${setup?.doc ?? null}
            .awareness=${setup?.provider.awareness ?? null}
            ?editable=${editable}
            ?editorReady=${customElements.get('prompt-editor') !== undefined}
            .promptText=${promptText}
            .jobs=${this.#jobs.jobs}
            .candidates=${candidates}
            .start=${this.#startJob}
            .cancel=${this.#cancelJob}
            @prompt-typing=${() => this.#presence.typed()}
            @candidate-place=${(e: CustomEvent<{ id: string }>) => this.#onPlace(e.detail.id)}
            @candidate-discard=${(e: CustomEvent<{ id: string }>) => this.#onDiscard(e.detail.id)}
          ></prompt-sidebar>
        </aside>
        <div class="stage ${this.#mask.session ? 'masking' : ''}">
          <div class="canvas-tools">
            ${
              this.#mask.session
                ? html`<mask-toolbar
                  .session=${this.#mask.session}
                  .revision=${this.#mask.revision}
                  .layerName=${this.#layer(this.#mask.session.layerId)?.name ?? 'the layer'}
                  .promptText=${promptText}
                  ?busy=${this.#mask.busy}
                  .error=${this.#mask.error}
                  @mask-submit=${(e: CustomEvent<MaskEditRequest>) => this.#submitMask(e.detail)}
                  @mask-exit=${() => this.#mask.end()}
                ></mask-toolbar>`
                : editable && this.selectedId
                  ? html`<button class="btn" @click=${() => this.#beginMask()}>${icons.brush} Mask &amp; edit</button>`
                  : nothing
            }
          </div>
          <canvas-preview
            .tool=${this.#mask.session ? 'mask' : 'transform'}
            .mask=${this.#mask.session}
            @mask-exit=${() => this.#mask.end()}
            .meta=${meta}
            .layers=${layers}
            .selectedId=${this.selectedId}
            .participants=${others}
            ?editable=${editable}
            @manipulate-start=${() => this.#undo.stopCapturing()}
            @manipulate-end=${() => this.#undo.stopCapturing()}
            @image-drop=${(e: CustomEvent<{ files: File[] }>) => void this.#upload(e.detail.files)}
          ></canvas-preview>
        </div>
        <aside class="right" aria-label="Layers">
          <layers-sidebar
            .layers=${layers}
            .selectedId=${this.selectedId}
            .participants=${others}
            ?editable=${editable}
            .uploads=${this.uploads}
            .notice=${this.notice}
            @layer-move=${(e: CustomEvent<LayerMoveDetail>) => this.#onLayerMove(e.detail)}
            @image-upload=${(e: CustomEvent<{ files: File[] }>) => void this.#upload(e.detail.files)}
          ></layers-sidebar>
        </aside>
      </div>
      <share-dialog .roomId=${this.roomId} .userRole=${connection.role}></share-dialog>
      <publish-dialog .suggestedTitle=${title === 'Untitled room' ? '' : title} .publish=${this.#publish}></publish-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'room-page': RoomPage;
  }
}
