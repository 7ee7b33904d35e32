// Loads the browser bundle only on a page that has islands, hydrates each island,
// then marks the page ready (tests wait for the mark instead of sleeping; the page-weight
// benchmark reads the time of `performance.mark("rph-ready")`). A page
// without islands downloads no JavaScript or WebAssembly at all.
((js, wasm) => {
  const ready = () => {
    document.documentElement.setAttribute("data-hydrated", "true");
    performance.mark("rph-ready");
  };
  if (!document.querySelector("leptos-island")) {
    ready();
    return;
  }
  const onHydrate = [];
  async function traverse(node, mod) {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === "leptos-island") {
      const island = mod[node.dataset.component];
      if (island) {
        const children = onHydrate[onHydrate.length - 1];
        if (children) children();
        const result = island(node);
        if (result && result.then) await result;
      } else {
        console.warn(`no island called ${node.dataset.component}`);
      }
    } else if (tag === "leptos-children") {
      onHydrate.push(node.$$on_hydrate);
      for (const child of node.children) await traverse(child, mod);
      onHydrate.pop();
      return;
    }
    for (const child of node.children) await traverse(child, mod);
  }
  import(js).then(async (mod) => {
    await mod.default({ module_or_path: wasm });
    mod.hydrate();
    await traverse(document.body, mod);
    ready();
  });
})
